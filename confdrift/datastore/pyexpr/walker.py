"""The safe evaluator for BitBake inline Python ``${@...}``.

confdrift never executes Python found in a configuration.  The code is parsed with
:mod:`ast` and the tree is walked here, evaluating only a known subset (literals,
operators, string methods, ``d.getVar``, ``bb.utils.contains`` and friends).  Anything
else gives :class:`NotEvaluated` with a plain-English reason; nothing is ever guessed.
Size limits on the code, the tree, every produced value and the total work keep hostile
input (huge repetitions, deep nesting, ``9**9**9``) from exhausting time or memory.

The context is BitBake's: ``d``, ``bb``, ``os``, ``time`` and Python's builtins are
globals, any other bare name is read as a BitBake variable (expanded), and ``oe`` is
taken to be oe-core's library, as in every OE build (BitBake alone only has it after
``addpylib``).  The code given must already be free of ``${NAME}`` references: BitBake
expands those first and leaves the ``${@...}`` alone while any remain.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from confdrift.datastore.pyexpr.bounds import MAX_INT_BITS, MAX_ITEMS, MAX_SIZE, WORK_BUDGET
from confdrift.datastore.pyexpr.calls import h_call
from confdrift.datastore.pyexpr.errors import NotEvaluated, Refused, Unevaluable
from confdrift.datastore.pyexpr.literals import (
    h_constant,
    h_dict,
    h_joinedstr,
    h_list,
    h_subscript,
    h_tuple,
)
from confdrift.datastore.pyexpr.names import h_attribute, h_name
from confdrift.datastore.pyexpr.operators import h_binop, h_boolop, h_compare, h_ifexp, h_unaryop
from confdrift.datastore.pyexpr.parse import parse
from confdrift.datastore.pyexpr.values import NOT_EVALUATED, data

GetVar = Callable[[str, bool], "str | None"]
GetFlag = Callable[[str, str, bool], "str | None"]


# --- the public entry point -----------------------------------------------------------


def evaluate(code: str, getvar: GetVar, getflag: GetFlag | None = None) -> str | NotEvaluated:
    """What BitBake would substitute for ``${@code}``, or why confdrift cannot tell.

    ``getvar(name, expand)`` is the datastore's getVar; ``getflag(name, flag, expand)``
    its getVarFlag (without it, ``d.getVarFlag`` is not evaluated).  Raises
    :class:`PyExprError` when BitBake would fail.  Exceptions from the callbacks other
    than :class:`Unevaluable` pass through unchanged.
    """
    try:
        walker = Walker(getvar, getflag)
        return walker.text(walker.eval(parse(code)))
    except Refused as refused:
        return NotEvaluated(code, refused.reason)
    except (RecursionError, MemoryError):
        return NotEvaluated(code, "is nested too deeply to evaluate safely")


# --- the walker -----------------------------------------------------------------------


class Walker:
    """Evaluates one expression tree in Python's own order of evaluation."""

    def __init__(self, getvar: GetVar, getflag: GetFlag | None) -> None:
        self.getvar = getvar
        self.getflag = getflag
        self.budget = WORK_BUDGET
        self.sizes: dict[int, tuple[object, int]] = {}

    def eval(self, node: ast.expr) -> object:
        handler = _HANDLERS.get(type(node))
        if handler is None:
            raise Refused(f"uses {_construct(node)}, {NOT_EVALUATED}")
        return handler(self, node)

    # size accounting

    def measure(self, value: object) -> int:
        """An upper bound of the text size of ``value``; refuses past MAX_SIZE."""
        size = self.size(value)
        if size > MAX_SIZE:
            raise Refused("would produce a value too large to evaluate safely")
        return size

    def size(self, value: object) -> int:
        """Containers are remembered: repetition shares them, and sharing must stay cheap.

        Recursion is bounded: values nest no deeper than the (limited) expression tree.
        """
        if not isinstance(value, (list, tuple, dict)):
            return _own_size(value)
        known = self.sizes.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        self.charge(len(items))
        nested = [item for item in items if isinstance(item, (list, tuple, dict))]
        total = 2 + _flat_items_size(items, len(nested))
        total += sum(self.size(item) for item in nested)
        self.sizes[id(value)] = (value, total)
        return total

    def charge(self, items: int) -> None:
        """Count container elements visited, so size checks themselves stay cheap."""
        if items > MAX_ITEMS:
            raise Refused("would handle too many items to evaluate safely")
        self.spend(items)

    def spend(self, units: int) -> None:
        """Every value is bounded, but many of them could still add up to minutes."""
        self.budget -= units
        if self.budget < 0:
            raise Refused("would take too much work to evaluate safely")

    def checked(self, value: object) -> object:
        if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
            raise Refused("would produce an integer too large to evaluate safely")
        self.measure(value)
        if isinstance(value, str):
            self.spend(len(value) // 16)
        return value

    def text(self, value: object) -> str:
        """``str(value)`` as BitBake substitutes it."""
        return self.convert(value, str)

    def convert(self, value: object, to_text: Callable[[object], str]) -> str:
        """``to_text(value)`` (str, repr, ascii) once its cost is known to be bounded."""
        self.spend(self.measure(data(value)) // 2)
        return to_text(value)

    def truth(self, value: object) -> bool:
        return bool(data(value))

    # reading the datastore

    def read(self, name: object, expand: object = True) -> str | None:
        if not isinstance(name, str):
            raise Refused("reads a variable whose name is not a string")
        try:
            return self.getvar(name, bool(data(expand)))
        except Unevaluable as exc:
            raise Refused(f"reads {name}, whose value confdrift could not evaluate "
                           f"({exc.reason})") from None

    def read_flag(self, name: object, flag: object, expand: object = True) -> str | None:
        if self.getflag is None:
            raise Refused(f"calls d.getVarFlag(), {NOT_EVALUATED} here")
        if not isinstance(name, str) or not isinstance(flag, str):
            raise Refused("reads a variable flag whose name is not a string")
        try:
            return self.getflag(name, flag, bool(data(expand)))
        except Unevaluable as exc:
            raise Refused(f"reads {name}[{flag}], whose value confdrift could not "
                           f"evaluate ({exc.reason})") from None


def _flat_items_size(items: list[object] | tuple[object, ...], nested: int) -> int:
    """The size of the non-container items, counted in bulk (lists of words are common)."""
    texts = [item for item in items if type(item) is str]
    ints = [item for item in items if type(item) is int]
    others = len(items) - len(texts) - len(ints) - nested  # floats, bools, None
    text_size = sum(map(len, texts)) + 2 * len(texts)
    int_size = sum(map(int.bit_length, ints)) // 3 + 2 * len(ints)
    return text_size + int_size + 24 * others


def _own_size(item: object) -> int:
    if isinstance(item, str):
        return len(item) + 2
    if isinstance(item, bool) or item is None:
        return 5
    if isinstance(item, int):
        return item.bit_length() // 3 + 2
    return 24 if isinstance(item, float) else 2


def _construct(node: ast.AST) -> str:
    """A reader's name for a Python construct outside the subset."""
    names = {
        ast.Lambda: "a lambda", ast.ListComp: "a comprehension",
        ast.SetComp: "a comprehension", ast.DictComp: "a comprehension",
        ast.GeneratorExp: "a generator expression", ast.NamedExpr: "an assignment (:=)",
        ast.Set: "a set literal", ast.Starred: "* unpacking", ast.Await: "await",
        ast.Yield: "yield", ast.YieldFrom: "yield",
    }
    return names.get(type(node), f"Python syntax ({type(node).__name__})")



_HANDLERS: dict[type[ast.expr], Callable[[Walker, Any], object]] = {
    ast.Constant: h_constant,
    ast.Name: h_name,
    ast.Attribute: h_attribute,
    ast.Call: h_call,
    ast.BinOp: h_binop,
    ast.UnaryOp: h_unaryop,
    ast.BoolOp: h_boolop,
    ast.Compare: h_compare,
    ast.IfExp: h_ifexp,
    ast.List: h_list,
    ast.Tuple: h_tuple,
    ast.Dict: h_dict,
    ast.Subscript: h_subscript,
    ast.JoinedStr: h_joinedstr,
}
