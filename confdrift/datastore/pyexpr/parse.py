"""The expression tree, parsed the way BitBake compiles it and checked before any walk."""

from __future__ import annotations

import ast
import functools
import warnings

from confdrift.datastore.pyexpr.bounds import MAX_CODE_CHARS, MAX_DEPTH, MAX_NODES
from confdrift.datastore.pyexpr.errors import PyExprError, Refused, UnterminatedString, python_error
from confdrift.datastore.pyexpr.scanner import check_dependency_scan


@functools.lru_cache(maxsize=4096)  # the same code is met in every build and override
def parse(code: str) -> ast.expr:
    """The expression tree, the way BitBake compiles it (stripped, mode "eval").

    The tree is shared between calls, so nothing may change it.
    """
    text = code.strip()
    if len(text) > MAX_CODE_CHARS:
        raise Refused(f"is longer than {MAX_CODE_CHARS} characters")
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
        raise python_error(exc) from None
    except (RecursionError, MemoryError):
        raise Refused("is nested too deeply to analyse") from None
    _check_shape(tree)
    check_dependency_scan(tree)
    return tree.body


def _check_shape(tree: ast.AST) -> None:
    """Refuse trees too big or too deep to walk safely, without recursing."""
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES or depth > MAX_DEPTH:
            raise Refused("is too large or nested too deeply to evaluate safely")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


# Before evaluating, BitBake scans every call in the code (taken branch or not) to record
