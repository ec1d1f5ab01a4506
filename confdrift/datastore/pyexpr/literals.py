"""Literals, containers, subscripts and f-strings."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from confdrift.datastore.pyexpr.errors import Refused, apply, python_error
from confdrift.datastore.pyexpr.values import NOT_EVALUATED, data

if TYPE_CHECKING:
    from confdrift.datastore.pyexpr.walker import Walker

def h_constant(w: Walker, node: ast.Constant) -> object:
    if isinstance(node.value, (str, int, float)) or node.value is None:
        return w.checked(node.value)
    raise Refused(f"uses a {type(node.value).__name__} literal, {NOT_EVALUATED}")


def h_list(w: Walker, node: ast.List) -> object:
    return w.checked([data(w.eval(item)) for item in node.elts])


def h_tuple(w: Walker, node: ast.Tuple) -> object:
    return w.checked(tuple(data(w.eval(item)) for item in node.elts))


def h_dict(w: Walker, node: ast.Dict) -> object:
    result: dict[Any, object] = {}
    for key_node, value_node in zip(node.keys, node.values, strict=True):
        if key_node is None:
            raise Refused(f"uses ** unpacking, {NOT_EVALUATED}")
        key = data(w.eval(key_node))
        value = data(w.eval(value_node))
        apply(operator.setitem, result, key, value)
    return w.checked(result)


def h_subscript(w: Walker, node: ast.Subscript) -> object:
    container = data(w.eval(node.value))
    index: object
    if isinstance(node.slice, ast.Slice):
        parts = (node.slice.lower, node.slice.upper, node.slice.step)
        index = slice(*(None if part is None else data(w.eval(part)) for part in parts))
    else:
        index = data(w.eval(node.slice))
    try:
        return w.checked(container[index])  # type: ignore[index]
    except (IndexError, KeyError, TypeError, ValueError) as exc:
        raise python_error(exc) from None


def h_joinedstr(w: Walker, node: ast.JoinedStr) -> object:
    pieces: list[str] = []
    for part in node.values:
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            pieces.append(part.value)
        elif isinstance(part, ast.FormattedValue) and part.format_spec is None:
            pieces.append(_formatted(w, part))
        else:
            raise Refused(f"uses an f-string format specification, {NOT_EVALUATED}")
    return w.checked("".join(pieces))


def _formatted(w: Walker, part: ast.FormattedValue) -> str:
    conversions: dict[int, Callable[[object], str]] = {-1: str, 115: str, 114: repr, 97: ascii}
    return w.convert(w.eval(part.value), conversions[part.conversion])
