"""The safe evaluator for BitBake inline Python ``${@...}``: it walks :mod:`ast`, never runs it.

The parts, in the order one evaluation meets them:

- :mod:`.parse`: the tree, parsed as BitBake compiles it, refused when too big or deep;
- :mod:`.scanner`: BitBake's dependency scan of every call, and the errors it raises;
- :mod:`.walker`: :func:`evaluate` and the walker, with its size and work accounting;
- :mod:`.names`, :mod:`.calls`, :mod:`.operators`, :mod:`.literals`: one node kind each;
- :mod:`.library`: the known functions (``bb.utils.contains``, ``oe.utils.*``, ``d.getVar``);
- :mod:`.values` (stand-ins for ``d``, modules, foreign names), :mod:`.errors`,
  :mod:`.bounds` (the size limits).
"""

from confdrift.datastore.pyexpr.errors import (
    NotEvaluated,
    PyExprError,
    Unevaluable,
    UnterminatedString,
)
from confdrift.datastore.pyexpr.walker import GetFlag, GetVar, evaluate

__all__ = [
    "GetFlag",
    "GetVar",
    "NotEvaluated",
    "PyExprError",
    "Unevaluable",
    "UnterminatedString",
    "evaluate",
]
