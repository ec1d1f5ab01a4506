"""BitBake's dependency scan: the calls it inspects in every ``${@...}``, and how it fails.

BitBake records which variables inline Python reads by scanning its calls before it runs
the code; this module raises what that scan raises, so confdrift fails where BitBake does.
"""

from __future__ import annotations

import ast
import sys

from confdrift.datastore.pyexpr.errors import PyExprError, Refused, apply
from confdrift.datastore.pyexpr.values import NOT_EVALUATED

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


def check_dependency_scan(tree: ast.AST) -> None:
    """Raise the error BitBake's dependency scan would raise on this tree, if any."""
    recorded: list[object] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            recorded.extend(_scan_call(node))
    for value in recorded:  # BitBake interns the recorded contains() values afterwards
        if not isinstance(value, str):
            apply(sys.intern, value)  # a constant: fails with this Python's own message


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
        raise Refused(f"calls {name}() on inline Python, {NOT_EVALUATED}")
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
