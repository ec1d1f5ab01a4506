"""Calls: of the known library functions and of string methods, with their size guards."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from confdrift.datastore.pyexpr.bounds import MAX_SIZE
from confdrift.datastore.pyexpr.errors import OPERATOR_ERRORS, PyExprError, Refused, python_error
from confdrift.datastore.pyexpr.library import signature
from confdrift.datastore.pyexpr.names import object_of
from confdrift.datastore.pyexpr.values import (
    DATA,
    NOT_EVALUATED,
    Foreign,
    Function,
    Method,
    data,
    describe,
)

if TYPE_CHECKING:
    from confdrift.datastore.pyexpr.walker import Walker

def h_call(w: Walker, node: ast.Call) -> object:
    func = object_of(w, node.func)
    if isinstance(func, Foreign):  # refused before the arguments: the lookup may fail
        raise Refused(f"calls {func.name}(), {NOT_EVALUATED}")
    args = [w.eval(arg) for arg in node.args]
    kwargs: dict[str, object] = {}
    for keyword in node.keywords:
        if keyword.arg is None:
            raise Refused(f"uses ** unpacking, {NOT_EVALUATED}")
        kwargs[keyword.arg] = w.eval(keyword.value)
    if isinstance(func, Function):
        return w.checked(_call_function(w, func, args, kwargs))
    if isinstance(func, Method):
        return w.checked(_call_method(w, func, args, kwargs))
    if isinstance(func, DATA):
        raise PyExprError("TypeError", f"'{type(func).__name__}' object is not callable")
    raise Refused(describe(func))


def _call_function(
    w: Walker, func: Function, args: list[object], kwargs: dict[str, object]
) -> object:
    short = func.name.rsplit(".", 1)[-1]
    try:
        bound = signature(func.name).bind(w, *args, **kwargs)
    except TypeError as exc:
        raise PyExprError("TypeError", f"{short}() {exc}") from None
    return func.impl(*bound.args, **bound.kwargs)


def _call_method(
    w: Walker, method: Method, args: list[object], kwargs: dict[str, object]
) -> object:
    for value in [*args, *kwargs.values()]:
        data(value)
    _guard_method(w, method, args)
    try:
        return getattr(method.target, method.name)(*args, **kwargs)
    except OPERATOR_ERRORS as exc:
        raise python_error(exc) from None


def _guard_method(w: Walker, method: Method, args: list[object]) -> None:
    """Refuse replace() and join() calls whose result would be too large to build."""
    text = method.target
    if method.name == "replace" and len(args) >= 2:
        old, new = args[0], args[1]
        if isinstance(old, str) and isinstance(new, str):
            hits = text.count(old) if old else len(text) + 1
            if len(text) + hits * max(len(new) - len(old), 0) > MAX_SIZE:
                raise Refused("would produce a value too large to evaluate safely")
    if method.name == "join" and len(args) == 1:
        items = args[0]
        sized = isinstance(items, (str, list, tuple, dict))
        if sized and w.measure(items) + len(text) * len(items) > MAX_SIZE:  # type: ignore[arg-type]
            raise Refused("would produce a value too large to evaluate safely")
