"""Python's operators on plain data, refused before they would build a huge result."""

from __future__ import annotations

import ast
import functools
import math
import operator
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from confdrift.datastore.pyexpr.bounds import MAX_INT_BITS, MAX_SIZE
from confdrift.datastore.pyexpr.errors import Refused, apply
from confdrift.datastore.pyexpr.values import NOT_EVALUATED, data

if TYPE_CHECKING:
    from confdrift.datastore.pyexpr.walker import Walker

_BINARY: dict[type[ast.operator], Callable[[Any, Any], object]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow, ast.LShift: operator.lshift, ast.RShift: operator.rshift,
    ast.BitOr: operator.or_, ast.BitAnd: operator.and_, ast.BitXor: operator.xor,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], object]] = {
    ast.UAdd: operator.pos, ast.USub: operator.neg, ast.Invert: operator.invert,
    ast.Not: operator.not_,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], object]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_, ast.IsNot: operator.is_not,
}
_SINGLETONS = (None, True, False)


@functools.cache  # compiled on the first % format, not at import
def _format_directive() -> re.Pattern[str]:
    return re.compile(r"%(?:\([^()]*\))?(.?)", re.DOTALL)


def h_binop(w: Walker, node: ast.BinOp) -> object:
    left = data(w.eval(node.left))
    right = data(w.eval(node.right))
    fn = _BINARY.get(type(node.op))
    if fn is None:
        raise Refused(f"uses the @ operator, {NOT_EVALUATED}")
    _guard_binop(w, node.op, left, right)
    return w.checked(apply(fn, left, right))


def _guard_binop(w: Walker, op: ast.operator, left: object, right: object) -> None:
    """Refuse operations whose result would be huge, before computing it."""
    if isinstance(op, ast.Mult):
        _guard_repeat(w, left, right)
        _guard_repeat(w, right, left)
        if isinstance(left, int) and isinstance(right, int):
            _guard_bits(left.bit_length() + right.bit_length())
    elif isinstance(op, ast.Pow) and isinstance(left, int) and isinstance(right, int):
        if right > 0 and abs(left) > 1:
            _guard_bits(int(min(right, 1 << 32) * math.log2(abs(left))))
    elif isinstance(op, ast.LShift) and isinstance(left, int) and isinstance(right, int):
        if left != 0 and right > 0:
            _guard_bits(left.bit_length() + right)
    elif isinstance(op, ast.Mod) and isinstance(left, str):
        _guard_format(left)


def _guard_repeat(w: Walker, seq: object, count: object) -> None:
    if not isinstance(count, int) or count <= 0:
        return
    if isinstance(seq, str):
        size = len(seq) * count
    elif isinstance(seq, (list, tuple)):
        size = w.measure(seq) * count
    else:
        return
    if size > MAX_SIZE:
        raise Refused("would produce a value too large to evaluate safely")


def _guard_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise Refused("would produce an integer too large to evaluate safely")


def _guard_format(template: str) -> None:
    """Allow only %s, %d, %i, %r and %%: widths and precisions can build huge strings."""
    for match in _format_directive().finditer(template):
        if match.group(1) not in ("s", "d", "i", "r", "%"):
            raise Refused(f"uses a % format other than %s, %d, %r, {NOT_EVALUATED}")


def h_unaryop(w: Walker, node: ast.UnaryOp) -> object:
    operand = data(w.eval(node.operand))
    return w.checked(apply(_UNARY[type(node.op)], operand))


def h_boolop(w: Walker, node: ast.BoolOp) -> object:
    stop_when = isinstance(node.op, ast.Or)  # `or` stops at a true value, `and` at a false
    value: object = None
    for operand in node.values:
        value = w.eval(operand)
        if w.truth(value) is stop_when:
            return value
    return value


def h_compare(w: Walker, node: ast.Compare) -> object:
    left = data(w.eval(node.left))
    for op, comparator in zip(node.ops, node.comparators, strict=True):
        right = data(w.eval(comparator))
        identity = isinstance(op, (ast.Is, ast.IsNot))
        if identity and not (_is_singleton(left) or _is_singleton(right)):
            raise Refused(f"compares values with 'is', {NOT_EVALUATED}")
        if not apply(_COMPARE[type(op)], left, right):
            return False
        left = right
    return True


def _is_singleton(value: object) -> bool:
    return any(value is singleton for singleton in _SINGLETONS)


def h_ifexp(w: Walker, node: ast.IfExp) -> object:
    return w.eval(node.body if w.truth(w.eval(node.test)) else node.orelse)
