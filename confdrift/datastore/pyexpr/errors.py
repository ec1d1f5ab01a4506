"""What an evaluation can end in besides a value, and Python's errors turned into BitBake's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


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


class Refused(Exception):
    """Internal: the walk met something outside the subset; becomes NotEvaluated."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

def python_error(exc: Exception) -> PyExprError:
    return PyExprError(type(exc).__name__, str(exc))


OPERATOR_ERRORS = (ArithmeticError, LookupError, TypeError, ValueError)


def apply(fn: Callable[..., object], *operands: object) -> object:
    try:
        return fn(*operands)
    except OPERATOR_ERRORS as exc:
        raise python_error(exc) from None
