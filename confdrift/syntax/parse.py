"""BitBake configuration text to the typed AST of :mod:`confdrift.syntax.nodes`.

The entry points: :func:`parse_text`, and :func:`parse_file` through the parse cache.
A cached parse needs nothing more; on a miss the text is read by :mod:`.reader` (line
joining, the lark grammar, the checks after matching), imported only then.
"""

from __future__ import annotations

import os
import re
from functools import cache
from typing import TYPE_CHECKING

from confdrift.errors import ParseError
from confdrift.syntax.releases import dialect

if TYPE_CHECKING:
    from confdrift.syntax.nodes import ParsedFile

__all__ = ["ParseError", "base_config_for", "parse_file", "parse_text", "reader_for"]

_RECIPE_SUFFIXES = (".inc", ".bb", ".bbclass")
_BASE_CONFIG_NAMES = frozenset({"bblayers.conf", "layer.conf", "bitbake.conf"})


def reader_for(filename: str) -> str:
    """``"recipe"`` for ``.inc``/``.bb``/``.bbclass`` names, ``"conf"`` for everything else."""
    return "recipe" if filename.endswith(_RECIPE_SUFFIXES) else "conf"


def base_config_for(filename: str) -> bool:
    """Whether BitBake reads a file of this name as base configuration (``addpylib`` allowed)."""
    return os.path.basename(filename) in _BASE_CONFIG_NAMES


def parse_text(
    text: str,
    filename: str = "<string>",
    *,
    reader: str | None = None,
    base_config: bool | None = None,
    version: str | None = None,
    recover: bool = False,
) -> ParsedFile:
    """Read ``text`` as BitBake would read a file named ``filename``.

    Raises :class:`ParseError` for the first line BitBake rejects, unless ``recover``:
    then every rejected line is recorded in ``ParsedFile.errors`` and skipped.
    """
    from confdrift.syntax.reader import read_text

    _check_size(text, filename)
    return read_text(text, filename, reader=reader or reader_for(filename),
                     base_config=base_config_for(filename) if base_config is None
                     else base_config, version=version, recover=recover)


def parse_file(
    path: str | os.PathLike[str],
    *,
    reader: str | None = None,
    base_config: bool | None = None,
    version: str | None = None,
    recover: bool = False,
) -> ParsedFile:
    """Read a file from disk (through the parse cache); see :func:`parse_text`."""
    from confdrift.syntax import cache

    name = os.fspath(path)
    return parse_source(cache.read_source(name), name, reader=reader, base_config=base_config,
                        version=version, recover=recover)


#: A line that can start a statement: not blank, not a comment (as text and as bytes).
_STATEMENT_LINE = r"^[ \t]*[^\s#]"


# Compiled for the first file with more lines than the limit, not at import.


@cache
def _statement_text() -> re.Pattern[str]:
    return re.compile(_STATEMENT_LINE, re.MULTILINE)


@cache
def _statement_bytes() -> re.Pattern[bytes]:
    return re.compile(_STATEMENT_LINE.encode(), re.MULTILINE)


def _check_size(text: str | bytes, filename: str) -> None:
    """Refuse, before parsing or loading a cached parse, a file with more statements than a
    whole load may evaluate: 12 MB of one-line assignments would take a minute and GBs."""
    from confdrift import limits

    limit = limits.active().max_statements
    if isinstance(text, bytes):
        over = text.count(b"\n") > limit and len(_statement_bytes().findall(text)) > limit
    else:
        over = text.count("\n") > limit and len(_statement_text().findall(text)) > limit
    if over:
        raise limits.exceeded(f"the file has over {limit} statements", "max_statements",
                              filename=filename, line=1)


def parse_source(
    data: bytes,
    name: str,
    *,
    reader: str | None = None,
    base_config: bool | None = None,
    version: str | None = None,
    recover: bool = False,
) -> ParsedFile:
    """Parse a file's bytes through the parse cache (a text standing in for a file, too)."""
    from confdrift.syntax import cache

    reader = reader or reader_for(name)
    base_config = base_config_for(name) if base_config is None else base_config
    _check_size(data, name)
    options = (reader, base_config, dialect(version).version, recover)
    hit = cache.load(data, options, name)
    if hit is not None:
        return hit
    from confdrift.syntax.reader import read_text

    # read_text: the size was checked on the bytes already.
    parsed = read_text(cache.decode(data, name), name, reader=reader,
                       base_config=base_config, version=version, recover=recover)
    cache.store(data, options, parsed)
    return parsed
