"""What bare names and attributes mean in BitBake's evaluation context."""

from __future__ import annotations

import ast
import builtins
from typing import TYPE_CHECKING

from confdrift.datastore.pyexpr.errors import PyExprError, Refused
from confdrift.datastore.pyexpr.library import LIBRARY
from confdrift.datastore.pyexpr.values import (
    NOT_EVALUATED,
    Datastore,
    Foreign,
    Function,
    Method,
    Module,
    describe,
)

if TYPE_CHECKING:
    from confdrift.datastore.pyexpr.walker import Walker

# The globals BitBake puts in front of its datastore lookup (bb.utils' clean context),
# plus ``oe``, which OE builds register with addpylib.
_GLOBAL_MODULES = frozenset({"bb", "os", "time", "oe"})
_MODULES = _GLOBAL_MODULES | {"bb.utils", "bb.parse", "oe.utils"}
# The string methods an attribute of a string may name (calls.py guards their results).
STR_METHODS = frozenset({
    "split", "rsplit", "replace", "strip", "lstrip", "rstrip", "startswith", "endswith",
    "join", "lower", "upper", "find", "count", "partition", "rpartition",
})


def _lookup(w: Walker, name: str, as_object: bool) -> object:
    """What a bare name means in BitBake's evaluation context.

    Builtins and the context globals win; any other name is read as a BitBake variable.
    An unset name is a NameError, unless it is called or has attributes taken: then it
    may be a function or module defined by a class or addpylib, which confdrift cannot see.
    """
    if name == "d":
        return Datastore()
    if name in _GLOBAL_MODULES:
        return Module(name)
    if name in LIBRARY and "." not in name:
        return Function(name, LIBRARY[name])
    if not name.startswith("_") and hasattr(builtins, name):
        return Foreign(name)
    value = w.read(name)
    if value is not None:
        return value
    if as_object or hasattr(builtins, name) or name == "__builtins__":
        return Foreign(name)
    raise PyExprError("NameError", f"name '{name}' is not defined")


def _resolve(full: str) -> object:
    if full in LIBRARY:
        return Function(full, LIBRARY[full])
    return Module(full) if full in _MODULES else Foreign(full)


def _member(base: object, attr: str) -> object:
    if isinstance(base, Module):
        return _resolve(f"{base.name}.{attr}")
    if isinstance(base, Datastore):
        return _resolve(f"d.{attr}")
    if isinstance(base, (Foreign, Function)):
        return Foreign(f"{base.name}.{attr}")
    if isinstance(base, Method):
        return Foreign(f"str.{base.name}.{attr}")
    if not hasattr(type(base), attr):
        detail = f"'{type(base).__name__}' object has no attribute '{attr}'"
        raise PyExprError("AttributeError", detail)
    if isinstance(base, str) and attr in STR_METHODS:
        return Method(base, attr)
    return Foreign(f"{type(base).__name__}.{attr}")


def object_of(w: Walker, node: ast.expr) -> object:
    """Evaluate a callee or attribute base, where stand-ins are allowed through."""
    if isinstance(node, ast.Name):
        return _lookup(w, node.id, as_object=True)
    if isinstance(node, ast.Attribute):
        if node.attr.startswith("_"):
            raise Refused(f"accesses the private attribute {node.attr}, {NOT_EVALUATED}")
        return _member(object_of(w, node.value), node.attr)
    return w.eval(node)


def h_name(w: Walker, node: ast.Name) -> object:
    value = _lookup(w, node.id, as_object=False)
    if isinstance(value, Foreign):
        raise Refused(describe(value))
    return value


def h_attribute(w: Walker, node: ast.Attribute) -> object:
    value = object_of(w, node)
    if isinstance(value, Foreign):
        raise Refused(describe(value))
    return value
