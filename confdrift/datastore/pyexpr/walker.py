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
import builtins
import functools
import inspect
import math
import operator
import re
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_CODE_CHARS = 10_000
MAX_NODES = 2_000
MAX_DEPTH = 100
MAX_SIZE = 1 << 20  # characters a produced value may take once turned into text
MAX_INT_BITS = 4_096
MAX_ITEMS = 100_000  # elements in one list, tuple or dict
WORK_BUDGET = 500_000  # container elements visited and text built (per 16 chars), per evaluation

GetVar = Callable[[str, bool], "str | None"]
GetFlag = Callable[[str, str, bool], "str | None"]


@dataclass(frozen=True)
class NotEvaluated:
    """The expression is outside what confdrift evaluates; its value is unknown."""

    expression: str
    """The code between ``${@`` and ``}``, as given."""
    reason: str
    """Why, in plain English, e.g. "calls os.path.exists(), which confdrift does not evaluate"."""


class Unevaluable(Exception):
    """Raised by a ``getvar`` callback when a variable's own value could not be evaluated."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PyExprError(Exception):
    """BitBake itself would fail evaluating the expression.

    ``str(error)`` reads like Python's own report, e.g. "NameError: name 'x' is not defined".
    """

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


class UnterminatedString(PyExprError):
    """A string literal runs past the end: BitBake leaves such ``${@...}`` text untouched.

    It happens when the ``}`` that ended the code was inside a string, as in ``${@'}'}``.
    """


class _Refused(Exception):
    """Internal: the walk met something outside the subset; becomes NotEvaluated."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- values that stand for Python objects confdrift does not hand out -------------------


@dataclass(frozen=True)
class _Datastore:
    """The ``d`` object."""


@dataclass(frozen=True)
class _Module:
    name: str


@dataclass(frozen=True)
class _Foreign:
    """Something real Python would look up (``os.path.exists``) that confdrift will not."""

    name: str


@dataclass(frozen=True)
class _Function:
    name: str
    impl: Callable[..., object]


@dataclass(frozen=True)
class _Method:
    """A string method looked up on a string value, not yet called."""

    target: str
    name: str


_DATA = (str, int, float, type(None), list, tuple, dict)
_NOT_EVALUATED = "which confdrift does not evaluate"


def _describe(value: object) -> str:
    """Why a stand-in value cannot be used as data."""
    if isinstance(value, _Foreign):
        return f"uses {value.name}, {_NOT_EVALUATED}"
    if isinstance(value, _Datastore):
        return "uses the datastore d as a value, which confdrift does not model"
    if isinstance(value, _Module):
        return f"uses the module {value.name} as a value, which confdrift does not model"
    if isinstance(value, _Function):
        return f"uses the function {value.name} without calling it"
    if isinstance(value, _Method):
        return f"uses the method str.{value.name} without calling it"
    return f"produces a {type(value).__name__}, which confdrift does not model"


def _data(value: object) -> object:
    """``value`` itself when it is plain data; a refusal otherwise."""
    if isinstance(value, _DATA):
        return value
    raise _Refused(_describe(value))


def _python_error(exc: Exception) -> PyExprError:
    return PyExprError(type(exc).__name__, str(exc))


# --- parsing --------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)  # the same code is met in every build and override
def _parse(code: str) -> ast.expr:
    """The expression tree, the way BitBake compiles it (stripped, mode "eval").

    The tree is shared between calls, so nothing may change it.
    """
    text = code.strip()
    if len(text) > MAX_CODE_CHARS:
        raise _Refused(f"is longer than {MAX_CODE_CHARS} characters")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes warn on some Pythons
            tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        msg = exc.msg or ""
        unterminated = msg.startswith("unterminated string literal")
        kind = UnterminatedString if unterminated else PyExprError
        raise kind("SyntaxError", msg) from None
    except ValueError as exc:  # null bytes in the source
        raise _python_error(exc) from None
    except (RecursionError, MemoryError):
        raise _Refused("is nested too deeply to analyse") from None
    _check_shape(tree)
    _check_dependency_scan(tree)
    return tree.body


def _check_shape(tree: ast.AST) -> None:
    """Refuse trees too big or too deep to walk safely, without recursing."""
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES or depth > MAX_DEPTH:
            raise _Refused("is too large or nested too deeply to evaluate safely")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


# Before evaluating, BitBake scans every call in the code (taken branch or not) to record
# variable dependencies; that scan indexes the arguments of these calls and fails on some
# shapes, so the same code fails in BitBake whatever it would have evaluated to.
_SCANNED_SUFFIXES = (".getVar", ".appendVar", ".prependVar", "oe.utils.conditional")
_SCANNED_FLAG_SUFFIXES = (".getVarFlag", ".appendVarFlag", ".prependVarFlag")
_SCANNED_CONTAINS = ("bb.utils.contains", "base_contains")
_SCANNED_CONTAINS_ANY = ("bb.utils.contains_any", "bb.utils.filter")
_SCANNED_EXEC = ("bb.build.exec_func", "bb.build.exec_task")


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _check_dependency_scan(tree: ast.AST) -> None:
    """Raise the error BitBake's dependency scan would raise on this tree, if any."""
    recorded: list[object] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            recorded.extend(_scan_call(node))
    for value in recorded:  # BitBake interns the recorded contains() values afterwards
        if not isinstance(value, str):
            _apply(sys.intern, value)  # a constant: fails with this Python's own message


def _scan_call(node: ast.Call) -> list[object]:
    name = _dotted(node.func) or ""
    contains = name in _SCANNED_CONTAINS or name in _SCANNED_CONTAINS_ANY
    flags = name.endswith(_SCANNED_FLAG_SUFFIXES)
    tracked = contains or flags or (bool(name) and name.endswith(_SCANNED_SUFFIXES))
    other = name.endswith(".expand") or name in _SCANNED_EXEC
    if not (tracked or other):
        return []
    if not node.args:
        raise PyExprError("IndexError", "list index out of range")
    first = node.args[0]
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return []
    if name.endswith(".expand") and "${@" in first.value:
        # The scan expands this text in an empty datastore, running its Python.
        raise _Refused(f"calls {name}() on inline Python, {_NOT_EVALUATED}")
    if other:
        return []
    return _scan_second_argument(name, node.args, contains or flags)


def _scan_second_argument(name: str, args: list[ast.expr], needed: bool) -> list[object]:
    if needed and len(args) < 2:
        raise PyExprError("IndexError", "list index out of range")
    second = args[1] if needed else None
    if not isinstance(second, ast.Constant) or name.endswith(_SCANNED_FLAG_SUFFIXES):
        return []
    if name in _SCANNED_CONTAINS:
        return [second.value]
    if not isinstance(second.value, (str, bytes)):
        detail = f"'{type(second.value).__name__}' object has no attribute 'split'"
        raise PyExprError("AttributeError", detail)
    return list(second.value.split())


# --- the public entry point -----------------------------------------------------------


def evaluate(code: str, getvar: GetVar, getflag: GetFlag | None = None) -> str | NotEvaluated:
    """What BitBake would substitute for ``${@code}``, or why confdrift cannot tell.

    ``getvar(name, expand)`` is the datastore's getVar; ``getflag(name, flag, expand)``
    its getVarFlag (without it, ``d.getVarFlag`` is not evaluated).  Raises
    :class:`PyExprError` when BitBake would fail.  Exceptions from the callbacks other
    than :class:`Unevaluable` pass through unchanged.
    """
    try:
        walker = _Walker(getvar, getflag)
        return walker.text(walker.eval(_parse(code)))
    except _Refused as refused:
        return NotEvaluated(code, refused.reason)
    except (RecursionError, MemoryError):
        return NotEvaluated(code, "is nested too deeply to evaluate safely")


# --- the walker -----------------------------------------------------------------------


class _Walker:
    """Evaluates one expression tree in Python's own order of evaluation."""

    def __init__(self, getvar: GetVar, getflag: GetFlag | None) -> None:
        self.getvar = getvar
        self.getflag = getflag
        self.budget = WORK_BUDGET
        self.sizes: dict[int, tuple[object, int]] = {}

    def eval(self, node: ast.expr) -> object:
        handler = _HANDLERS.get(type(node))
        if handler is None:
            raise _Refused(f"uses {_construct(node)}, {_NOT_EVALUATED}")
        return handler(self, node)

    # size accounting

    def measure(self, value: object) -> int:
        """An upper bound of the text size of ``value``; refuses past MAX_SIZE."""
        size = self.size(value)
        if size > MAX_SIZE:
            raise _Refused("would produce a value too large to evaluate safely")
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
            raise _Refused("would handle too many items to evaluate safely")
        self.spend(items)

    def spend(self, units: int) -> None:
        """Every value is bounded, but many of them could still add up to minutes."""
        self.budget -= units
        if self.budget < 0:
            raise _Refused("would take too much work to evaluate safely")

    def checked(self, value: object) -> object:
        if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
            raise _Refused("would produce an integer too large to evaluate safely")
        self.measure(value)
        if isinstance(value, str):
            self.spend(len(value) // 16)
        return value

    def text(self, value: object) -> str:
        """``str(value)`` as BitBake substitutes it."""
        return self.convert(value, str)

    def convert(self, value: object, to_text: Callable[[object], str]) -> str:
        """``to_text(value)`` (str, repr, ascii) once its cost is known to be bounded."""
        self.spend(self.measure(_data(value)) // 2)
        return to_text(value)

    def truth(self, value: object) -> bool:
        return bool(_data(value))

    # reading the datastore

    def read(self, name: object, expand: object = True) -> str | None:
        if not isinstance(name, str):
            raise _Refused("reads a variable whose name is not a string")
        try:
            return self.getvar(name, bool(_data(expand)))
        except Unevaluable as exc:
            raise _Refused(f"reads {name}, whose value confdrift could not evaluate "
                           f"({exc.reason})") from None

    def read_flag(self, name: object, flag: object, expand: object = True) -> str | None:
        if self.getflag is None:
            raise _Refused(f"calls d.getVarFlag(), {_NOT_EVALUATED} here")
        if not isinstance(name, str) or not isinstance(flag, str):
            raise _Refused("reads a variable flag whose name is not a string")
        try:
            return self.getflag(name, flag, bool(_data(expand)))
        except Unevaluable as exc:
            raise _Refused(f"reads {name}[{flag}], whose value confdrift could not "
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


# --- names and attributes -------------------------------------------------------------

# The globals BitBake puts in front of its datastore lookup (bb.utils' clean context),
# plus ``oe``, which OE builds register with addpylib.
_GLOBAL_MODULES = frozenset({"bb", "os", "time", "oe"})
_MODULES = _GLOBAL_MODULES | {"bb.utils", "bb.parse", "oe.utils"}


def _lookup(w: _Walker, name: str, as_object: bool) -> object:
    """What a bare name means in BitBake's evaluation context.

    Builtins and the context globals win; any other name is read as a BitBake variable.
    An unset name is a NameError, unless it is called or has attributes taken: then it
    may be a function or module defined by a class or addpylib, which confdrift cannot see.
    """
    if name == "d":
        return _Datastore()
    if name in _GLOBAL_MODULES:
        return _Module(name)
    if name in _LIBRARY and "." not in name:
        return _Function(name, _LIBRARY[name])
    if not name.startswith("_") and hasattr(builtins, name):
        return _Foreign(name)
    value = w.read(name)
    if value is not None:
        return value
    if as_object or hasattr(builtins, name) or name == "__builtins__":
        return _Foreign(name)
    raise PyExprError("NameError", f"name '{name}' is not defined")


def _resolve(full: str) -> object:
    if full in _LIBRARY:
        return _Function(full, _LIBRARY[full])
    return _Module(full) if full in _MODULES else _Foreign(full)


def _member(base: object, attr: str) -> object:
    if isinstance(base, _Module):
        return _resolve(f"{base.name}.{attr}")
    if isinstance(base, _Datastore):
        return _resolve(f"d.{attr}")
    if isinstance(base, (_Foreign, _Function)):
        return _Foreign(f"{base.name}.{attr}")
    if isinstance(base, _Method):
        return _Foreign(f"str.{base.name}.{attr}")
    if not hasattr(type(base), attr):
        detail = f"'{type(base).__name__}' object has no attribute '{attr}'"
        raise PyExprError("AttributeError", detail)
    if isinstance(base, str) and attr in _STR_METHODS:
        return _Method(base, attr)
    return _Foreign(f"{type(base).__name__}.{attr}")


def _object(w: _Walker, node: ast.expr) -> object:
    """Evaluate a callee or attribute base, where stand-ins are allowed through."""
    if isinstance(node, ast.Name):
        return _lookup(w, node.id, as_object=True)
    if isinstance(node, ast.Attribute):
        if node.attr.startswith("_"):
            raise _Refused(f"accesses the private attribute {node.attr}, {_NOT_EVALUATED}")
        return _member(_object(w, node.value), node.attr)
    return w.eval(node)


def _h_name(w: _Walker, node: ast.Name) -> object:
    value = _lookup(w, node.id, as_object=False)
    if isinstance(value, _Foreign):
        raise _Refused(_describe(value))
    return value


def _h_attribute(w: _Walker, node: ast.Attribute) -> object:
    value = _object(w, node)
    if isinstance(value, _Foreign):
        raise _Refused(_describe(value))
    return value


# --- calls ----------------------------------------------------------------------------


def _h_call(w: _Walker, node: ast.Call) -> object:
    func = _object(w, node.func)
    if isinstance(func, _Foreign):  # refused before the arguments: the lookup may fail
        raise _Refused(f"calls {func.name}(), {_NOT_EVALUATED}")
    args = [w.eval(arg) for arg in node.args]
    kwargs: dict[str, object] = {}
    for keyword in node.keywords:
        if keyword.arg is None:
            raise _Refused(f"uses ** unpacking, {_NOT_EVALUATED}")
        kwargs[keyword.arg] = w.eval(keyword.value)
    if isinstance(func, _Function):
        return w.checked(_call_function(w, func, args, kwargs))
    if isinstance(func, _Method):
        return w.checked(_call_method(w, func, args, kwargs))
    if isinstance(func, _DATA):
        raise PyExprError("TypeError", f"'{type(func).__name__}' object is not callable")
    raise _Refused(_describe(func))


def _call_function(
    w: _Walker, func: _Function, args: list[object], kwargs: dict[str, object]
) -> object:
    short = func.name.rsplit(".", 1)[-1]
    try:
        bound = _SIGNATURES[func.name].bind(w, *args, **kwargs)
    except TypeError as exc:
        raise PyExprError("TypeError", f"{short}() {exc}") from None
    return func.impl(*bound.args, **bound.kwargs)


def _call_method(
    w: _Walker, method: _Method, args: list[object], kwargs: dict[str, object]
) -> object:
    for value in [*args, *kwargs.values()]:
        _data(value)
    _guard_method(w, method, args)
    try:
        return getattr(method.target, method.name)(*args, **kwargs)
    except _OPERATOR_ERRORS as exc:
        raise _python_error(exc) from None


def _guard_method(w: _Walker, method: _Method, args: list[object]) -> None:
    """Refuse replace() and join() calls whose result would be too large to build."""
    text = method.target
    if method.name == "replace" and len(args) >= 2:
        old, new = args[0], args[1]
        if isinstance(old, str) and isinstance(new, str):
            hits = text.count(old) if old else len(text) + 1
            if len(text) + hits * max(len(new) - len(old), 0) > MAX_SIZE:
                raise _Refused("would produce a value too large to evaluate safely")
    if method.name == "join" and len(args) == 1:
        items = args[0]
        sized = isinstance(items, (str, list, tuple, dict))
        if sized and w.measure(items) + len(text) * len(items) > MAX_SIZE:  # type: ignore[arg-type]
            raise _Refused("would produce a value too large to evaluate safely")


_STR_METHODS = frozenset({
    "split", "rsplit", "replace", "strip", "lstrip", "rstrip", "startswith", "endswith",
    "join", "lower", "upper", "find", "count", "partition", "rpartition",
})


# --- operators ------------------------------------------------------------------------

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
_FORMAT_DIRECTIVE = re.compile(r"%(?:\([^()]*\))?(.?)", re.DOTALL)
_OPERATOR_ERRORS = (ArithmeticError, LookupError, TypeError, ValueError)


def _apply(fn: Callable[..., object], *operands: object) -> object:
    try:
        return fn(*operands)
    except _OPERATOR_ERRORS as exc:
        raise _python_error(exc) from None


def _h_binop(w: _Walker, node: ast.BinOp) -> object:
    left = _data(w.eval(node.left))
    right = _data(w.eval(node.right))
    fn = _BINARY.get(type(node.op))
    if fn is None:
        raise _Refused(f"uses the @ operator, {_NOT_EVALUATED}")
    _guard_binop(w, node.op, left, right)
    return w.checked(_apply(fn, left, right))


def _guard_binop(w: _Walker, op: ast.operator, left: object, right: object) -> None:
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


def _guard_repeat(w: _Walker, seq: object, count: object) -> None:
    if not isinstance(count, int) or count <= 0:
        return
    if isinstance(seq, str):
        size = len(seq) * count
    elif isinstance(seq, (list, tuple)):
        size = w.measure(seq) * count
    else:
        return
    if size > MAX_SIZE:
        raise _Refused("would produce a value too large to evaluate safely")


def _guard_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise _Refused("would produce an integer too large to evaluate safely")


def _guard_format(template: str) -> None:
    """Allow only %s, %d, %i, %r and %%: widths and precisions can build huge strings."""
    for match in _FORMAT_DIRECTIVE.finditer(template):
        if match.group(1) not in ("s", "d", "i", "r", "%"):
            raise _Refused(f"uses a % format other than %s, %d, %r, {_NOT_EVALUATED}")


def _h_unaryop(w: _Walker, node: ast.UnaryOp) -> object:
    operand = _data(w.eval(node.operand))
    return w.checked(_apply(_UNARY[type(node.op)], operand))


def _h_boolop(w: _Walker, node: ast.BoolOp) -> object:
    stop_when = isinstance(node.op, ast.Or)  # `or` stops at a true value, `and` at a false
    value: object = None
    for operand in node.values:
        value = w.eval(operand)
        if w.truth(value) is stop_when:
            return value
    return value


def _h_compare(w: _Walker, node: ast.Compare) -> object:
    left = _data(w.eval(node.left))
    for op, comparator in zip(node.ops, node.comparators, strict=True):
        right = _data(w.eval(comparator))
        identity = isinstance(op, (ast.Is, ast.IsNot))
        if identity and not (_is_singleton(left) or _is_singleton(right)):
            raise _Refused(f"compares values with 'is', {_NOT_EVALUATED}")
        if not _apply(_COMPARE[type(op)], left, right):
            return False
        left = right
    return True


def _is_singleton(value: object) -> bool:
    return any(value is singleton for singleton in _SINGLETONS)


def _h_ifexp(w: _Walker, node: ast.IfExp) -> object:
    return w.eval(node.body if w.truth(w.eval(node.test)) else node.orelse)


# --- literals and containers ----------------------------------------------------------


def _h_constant(w: _Walker, node: ast.Constant) -> object:
    if isinstance(node.value, (str, int, float)) or node.value is None:
        return w.checked(node.value)
    raise _Refused(f"uses a {type(node.value).__name__} literal, {_NOT_EVALUATED}")


def _h_list(w: _Walker, node: ast.List) -> object:
    return w.checked([_data(w.eval(item)) for item in node.elts])


def _h_tuple(w: _Walker, node: ast.Tuple) -> object:
    return w.checked(tuple(_data(w.eval(item)) for item in node.elts))


def _h_dict(w: _Walker, node: ast.Dict) -> object:
    result: dict[Any, object] = {}
    for key_node, value_node in zip(node.keys, node.values, strict=True):
        if key_node is None:
            raise _Refused(f"uses ** unpacking, {_NOT_EVALUATED}")
        key = _data(w.eval(key_node))
        value = _data(w.eval(value_node))
        _apply(operator.setitem, result, key, value)
    return w.checked(result)


def _h_subscript(w: _Walker, node: ast.Subscript) -> object:
    container = _data(w.eval(node.value))
    index: object
    if isinstance(node.slice, ast.Slice):
        parts = (node.slice.lower, node.slice.upper, node.slice.step)
        index = slice(*(None if part is None else _data(w.eval(part)) for part in parts))
    else:
        index = _data(w.eval(node.slice))
    try:
        return w.checked(container[index])  # type: ignore[index]
    except (IndexError, KeyError, TypeError, ValueError) as exc:
        raise _python_error(exc) from None


def _h_joinedstr(w: _Walker, node: ast.JoinedStr) -> object:
    pieces: list[str] = []
    for part in node.values:
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            pieces.append(part.value)
        elif isinstance(part, ast.FormattedValue) and part.format_spec is None:
            pieces.append(_formatted(w, part))
        else:
            raise _Refused(f"uses an f-string format specification, {_NOT_EVALUATED}")
    return w.checked("".join(pieces))


def _formatted(w: _Walker, part: ast.FormattedValue) -> str:
    conversions: dict[int, Callable[[object], str]] = {-1: str, 115: str, 114: repr, 97: ascii}
    return w.convert(w.eval(part.value), conversions[part.conversion])


# --- the library functions confdrift knows (their documented semantics) -----------------


def _datastore(d: object) -> None:
    if not isinstance(d, _Datastore):
        raise _Refused("passes something other than d as the datastore")


def _words(w: _Walker, variable: object, d: object) -> set[str] | None:
    """The variable's words, or None when it is unset or empty."""
    _datastore(d)
    value = w.read(variable)
    return set(value.split()) if value else None


def _checkset(values: object) -> set[object]:
    """A string is split on whitespace; anything else is turned into a set as it is."""
    if isinstance(values, str):
        return set(values.split())
    return _apply(set, _data(values))  # type: ignore[return-value]


def _contains(
    w: _Walker, variable: object, checkvalues: object, truevalue: object,
    falsevalue: object, d: object,
) -> object:
    words = _words(w, variable, d)
    if words is None:
        return falsevalue
    return truevalue if _checkset(checkvalues) <= words else falsevalue


def _contains_any(
    w: _Walker, variable: object, checkvalues: object, truevalue: object,
    falsevalue: object, d: object,
) -> object:
    words = _words(w, variable, d)
    if words is None:
        return falsevalue
    return truevalue if _checkset(checkvalues) & words else falsevalue


def _filter(w: _Walker, variable: object, checkvalues: object, d: object) -> object:
    words = _words(w, variable, d)
    if words is None:
        return ""
    return " ".join(sorted(str(word) for word in _checkset(checkvalues) & words))


def _to_boolean(w: _Walker, string: object, default: object = None) -> object:
    if not w.truth(string):
        return default
    if isinstance(string, int):
        return string != 0
    if not isinstance(string, str):
        detail = f"'{type(string).__name__}' object has no attribute 'lower'"
        raise PyExprError("AttributeError", detail)
    if string.lower() in ("y", "yes", "1", "true"):
        return True
    if string.lower() in ("n", "no", "0", "false"):
        return False
    raise PyExprError("ValueError", f"Invalid value for to_boolean: {string}")


def _conditional(
    w: _Walker, variable: object, checkvalue: object, truevalue: object,
    falsevalue: object, d: object,
) -> object:
    _datastore(d)
    return truevalue if w.read(variable) == _data(checkvalue) else falsevalue


def _oe_boolean(value: object) -> bool:
    """oe.types.boolean: like to_boolean, but also 't'/'f'; None (an unset variable) is false."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if not isinstance(value, str):
        detail = f"boolean accepts a string, not '{type(value)}'"
        raise PyExprError("TypeError", detail)
    if value.lower() in ("yes", "y", "true", "t", "1"):
        return True
    if value.lower() in ("no", "n", "false", "f", "0"):
        return False
    raise PyExprError("ValueError", f"Invalid boolean value '{value.lower()}'")


def _vartrue(w: _Walker, var: object, iftrue: object, iffalse: object, d: object) -> object:
    _datastore(d)
    return iftrue if _oe_boolean(w.read(var)) else iffalse


def _ifelse(
    w: _Walker, condition: object, iftrue: object = True, iffalse: object = False
) -> object:
    return iftrue if w.truth(condition) else iffalse


def _plain_read(w: _Walker, function: str, *options: object) -> None:
    """noweakdefault, parsing and retparser change what BitBake reads: not modelled."""
    if any(w.truth(option) for option in options):
        raise _Refused(f"passes noweakdefault, parsing or retparser to {function}, "
                       f"{_NOT_EVALUATED}")


def _get_var(
    w: _Walker, var: object, expand: object = True, noweakdefault: object = False,
    parsing: object = False,
) -> object:
    _plain_read(w, "d.getVar()", noweakdefault, parsing)
    return w.read(var, expand)


def _get_var_flag(
    w: _Walker, var: object, flag: object, expand: object = True,
    noweakdefault: object = False, parsing: object = False, retparser: object = False,
) -> object:
    _plain_read(w, "d.getVarFlag()", noweakdefault, parsing, retparser)
    if flag == "_content":  # BitBake keeps a variable's value under this flag name
        return w.read(var, expand)
    if not w.truth(flag):  # BitBake warns and reads nothing
        return None
    return w.read_flag(var, flag, expand)


def _len(w: _Walker, obj: object) -> object:
    return _apply(len, _data(obj))


def _str(w: _Walker, object: object = "") -> object:  # the name str() itself uses
    return w.text(object)


def _repr(w: _Walker, obj: object) -> object:
    return w.convert(obj, repr)


def _bool(w: _Walker, x: object = False) -> object:
    return w.truth(x)


def _int(w: _Walker, x: object = 0, base: object = None) -> object:
    # Long digit strings hit interpreter-dependent limits (and quadratic conversion).
    if isinstance(x, str) and len(x.strip()) > 1_000:
        raise _Refused("converts a very long string to an integer")
    if base is None:
        return w.checked(_apply(int, _data(x)))
    return w.checked(_apply(int, _data(x), _data(base)))


def _vars_from_file(w: _Walker, fn: object, d: object) -> object:
    """bb.parse.vars_from_file: PN, PV, PR from a recipe file name ``pn_pv_pr.bb``.

    At configuration level FILE is a .conf file, which gives (None, None, None) — the
    value oe-core's PN/PV defaults see before any recipe is parsed.
    """
    _datastore(d)
    name = _data(fn)
    if not isinstance(name, str) or not name.endswith((".bb", ".bbappend")):
        return [None, None, None]
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    parts: list[object] = list(stem.split("_"))
    if len(parts) > 3:
        raise PyExprError("ParseError", "Unable to generate default variables from filename "
                          "(too many underscores)")
    return parts + [None] * (3 - len(parts))


_LIBRARY: dict[str, Callable[..., object]] = {
    "bb.parse.vars_from_file": _vars_from_file,
    "bb.utils.contains": _contains,
    "bb.utils.contains_any": _contains_any,
    "bb.utils.filter": _filter,
    "bb.utils.to_boolean": _to_boolean,
    "oe.utils.conditional": _conditional,
    "oe.utils.vartrue": _vartrue,
    "oe.utils.ifelse": _ifelse,
    "d.getVar": _get_var,
    "d.getVarFlag": _get_var_flag,
    "len": _len,
    "str": _str,
    "repr": _repr,
    "bool": _bool,
    "int": _int,
}
_SIGNATURES = {name: inspect.signature(impl) for name, impl in _LIBRARY.items()}

_HANDLERS: dict[type[ast.expr], Callable[[_Walker, Any], object]] = {
    ast.Constant: _h_constant,
    ast.Name: _h_name,
    ast.Attribute: _h_attribute,
    ast.Call: _h_call,
    ast.BinOp: _h_binop,
    ast.UnaryOp: _h_unaryop,
    ast.BoolOp: _h_boolop,
    ast.Compare: _h_compare,
    ast.IfExp: _h_ifexp,
    ast.List: _h_list,
    ast.Tuple: _h_tuple,
    ast.Dict: _h_dict,
    ast.Subscript: _h_subscript,
    ast.JoinedStr: _h_joinedstr,
}
