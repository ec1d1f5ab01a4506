"""The safe evaluator for BitBake inline Python ``${@...}`` (see :mod:`.walker`)."""

from confdrift.datastore.pyexpr.walker import (
    NotEvaluated,
    PyExprError,
    Unevaluable,
    UnterminatedString,
    evaluate,
)

__all__ = ["NotEvaluated", "PyExprError", "Unevaluable", "UnterminatedString", "evaluate"]
