"""The library functions confdrift knows (bb.utils.contains, oe.utils.*, d.getVar, builtins).

Each follows the documented semantics of the function it stands for; anything not listed
here is refused by the walker, never guessed.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING

from confdrift.datastore.pyexpr.errors import PyExprError, Refused, apply
from confdrift.datastore.pyexpr.values import NOT_EVALUATED, Datastore, data

if TYPE_CHECKING:
    from confdrift.datastore.pyexpr.walker import Walker

def _datastore(d: object) -> None:
    if not isinstance(d, Datastore):
        raise Refused("passes something other than d as the datastore")


def _words(w: Walker, variable: object, d: object) -> set[str] | None:
    """The variable's words, or None when it is unset or empty."""
    _datastore(d)
    value = w.read(variable)
    return set(value.split()) if value else None


def _checkset(values: object) -> set[object]:
    """A string is split on whitespace; anything else is turned into a set as it is."""
    if isinstance(values, str):
        return set(values.split())
    return apply(set, data(values))  # type: ignore[return-value]


def _contains(
    w: Walker, variable: object, checkvalues: object, truevalue: object,
    falsevalue: object, d: object,
) -> object:
    words = _words(w, variable, d)
    if words is None:
        return falsevalue
    return truevalue if _checkset(checkvalues) <= words else falsevalue


def _contains_any(
    w: Walker, variable: object, checkvalues: object, truevalue: object,
    falsevalue: object, d: object,
) -> object:
    words = _words(w, variable, d)
    if words is None:
        return falsevalue
    return truevalue if _checkset(checkvalues) & words else falsevalue


def _filter(w: Walker, variable: object, checkvalues: object, d: object) -> object:
    words = _words(w, variable, d)
    if words is None:
        return ""
    return " ".join(sorted(str(word) for word in _checkset(checkvalues) & words))


def _to_boolean(w: Walker, string: object, default: object = None) -> object:
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
    w: Walker, variable: object, checkvalue: object, truevalue: object,
    falsevalue: object, d: object,
) -> object:
    _datastore(d)
    return truevalue if w.read(variable) == data(checkvalue) else falsevalue


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


def _vartrue(w: Walker, var: object, iftrue: object, iffalse: object, d: object) -> object:
    _datastore(d)
    return iftrue if _oe_boolean(w.read(var)) else iffalse


def _ifelse(
    w: Walker, condition: object, iftrue: object = True, iffalse: object = False
) -> object:
    return iftrue if w.truth(condition) else iffalse


def _plain_read(w: Walker, function: str, *options: object) -> None:
    """noweakdefault, parsing and retparser change what BitBake reads: not modelled."""
    if any(w.truth(option) for option in options):
        raise Refused(f"passes noweakdefault, parsing or retparser to {function}, "
                       f"{NOT_EVALUATED}")


def _get_var(
    w: Walker, var: object, expand: object = True, noweakdefault: object = False,
    parsing: object = False,
) -> object:
    _plain_read(w, "d.getVar()", noweakdefault, parsing)
    return w.read(var, expand)


def _get_var_flag(
    w: Walker, var: object, flag: object, expand: object = True,
    noweakdefault: object = False, parsing: object = False, retparser: object = False,
) -> object:
    _plain_read(w, "d.getVarFlag()", noweakdefault, parsing, retparser)
    if flag == "_content":  # BitBake keeps a variable's value under this flag name
        return w.read(var, expand)
    if not w.truth(flag):  # BitBake warns and reads nothing
        return None
    return w.read_flag(var, flag, expand)


def _len(w: Walker, obj: object) -> object:
    return apply(len, data(obj))


def _str(w: Walker, object: object = "") -> object:  # the name str() itself uses
    return w.text(object)


def _repr(w: Walker, obj: object) -> object:
    return w.convert(obj, repr)


def _bool(w: Walker, x: object = False) -> object:
    return w.truth(x)


def _int(w: Walker, x: object = 0, base: object = None) -> object:
    # Long digit strings hit interpreter-dependent limits (and quadratic conversion).
    if isinstance(x, str) and len(x.strip()) > 1_000:
        raise Refused("converts a very long string to an integer")
    if base is None:
        return w.checked(apply(int, data(x)))
    return w.checked(apply(int, data(x), data(base)))


def _vars_from_file(w: Walker, fn: object, d: object) -> object:
    """bb.parse.vars_from_file: PN, PV, PR from a recipe file name ``pn_pv_pr.bb``.

    At configuration level FILE is a .conf file, which gives (None, None, None) — the
    value oe-core's PN/PV defaults see before any recipe is parsed.
    """
    _datastore(d)
    name = data(fn)
    if not isinstance(name, str) or not name.endswith((".bb", ".bbappend")):
        return [None, None, None]
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    parts: list[object] = list(stem.split("_"))
    if len(parts) > 3:
        raise PyExprError("ParseError", "Unable to generate default variables from filename "
                          "(too many underscores)")
    return parts + [None] * (3 - len(parts))


LIBRARY: dict[str, Callable[..., object]] = {
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


@functools.cache  # inspected on the first call, not at import
def signature(name: str) -> inspect.Signature:
    """The parameters of the library function ``name``, to bind a call's arguments to."""
    return inspect.signature(LIBRARY[name])
