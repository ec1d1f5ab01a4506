"""confdrift: find BitBake configuration drift that breaks sstate reuse, before the build.

The public API is imported lazily so that ``import confdrift`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from confdrift.errors import ConfdriftError, ExpansionError, InputError, LimitError, ParseError

__version__ = "0.1.0"

__all__ = [
    "ConfdriftError",
    "ExpansionError",
    "InputError",
    "LimitError",
    "ParseError",
    "__version__",
    "load",
    "parse_file",
    "parse_text",
]

if TYPE_CHECKING:
    from confdrift.api import load
    from confdrift.syntax.parse import parse_file, parse_text

_LAZY = {
    "parse_file": "confdrift.syntax.parse",
    "parse_text": "confdrift.syntax.parse",
    "load": "confdrift.api",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'confdrift' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
