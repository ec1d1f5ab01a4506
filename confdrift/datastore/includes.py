"""Finding the file an ``include``/``require``/``include_all`` names (§7), without reading it.

Pure path logic over the file system: the datastore decides what to do with the answer.
"""

from __future__ import annotations

import os
from typing import NamedTuple

from confdrift.errors import LimitError, ParseError

#: Extensions BitBake has a reader for; any other name is "not a BitBake file".
_CONF = (".conf",)
_RECIPE = (".inc", ".bb", ".bbclass")
#: The default include depth; the limit in force is ``limits.active().max_include_depth``.
MAX_INCLUDE_DEPTH = 50


class MissingInclude(NamedTuple):
    """An ``include`` (or an ``include_all`` entry) that found no file: BitBake skips it."""

    #: The including file and line.
    file: str
    line: int
    #: The name as searched for (after expansion).
    name: str
    #: The directories searched, in order.
    searched: tuple[str, ...] = ()
    #: Why it was skipped: ``"not found"``, or the path needs inline Python confdrift skips.
    reason: str = "not found"


def check_readable_kind(name: str, includer: str | None = None, line: int | None = None) -> None:
    """BitBake refuses names it has no reader for, whether or not the file exists."""
    if not name.endswith(_CONF) and os.path.splitext(name)[1] not in _RECIPE:
        if includer is None:
            raise ParseError("not a BitBake file", filename=name)
        # Point at the include statement: the named file may be /dev/zero or a directory.
        raise ParseError(f"{name}: not a BitBake file (BitBake reads .conf, .inc, .bb and "
                         ".bbclass files only)", includer, line)


def which(search_path: str, name: str) -> str | None:
    """The first ``dir/name`` that exists along a ``:``-separated path, made absolute.

    Empty and relative entries are relative to the current directory, as in BitBake.
    """
    for entry in search_path.split(":"):
        candidate = os.path.join(entry, name)
        if os.path.exists(candidate):
            # Like BitBake: absolute candidates are kept as written ("a/../b" included).
            return candidate if os.path.isabs(candidate) else os.path.abspath(candidate)
    return None


def locate(name: str, includer: str, bbpath: str | None) -> str:
    """Where ``include name`` in ``includer`` points: includer's directory first, then BBPATH.

    The result may not exist (then it is the name unchanged, or the absolute path).
    """
    if os.path.isabs(name):
        return name
    # BitBake formats an unset BBPATH as the text "None"; keep that search order.
    found = which(f"{os.path.dirname(includer)}:{bbpath}", name)
    return found or name


def final_path(name: str, bbpath: str | None) -> str | None:
    """The file BitBake finally opens for ``name`` (BBPATH only), or ``None`` if none exists."""
    if not os.path.isabs(name):
        found = which(bbpath or "", name) if bbpath is not None else None
        if found is None:
            return None
        name = found
    return name if os.path.isfile(name) else None


def search_dirs(includer: str, bbpath: str | None) -> tuple[str, ...]:
    return (os.path.dirname(includer), *(bbpath or "").split(":"))


def cycle_error(chain: list[str], name: str, file: str, line: int) -> ParseError:
    shown = " -> ".join([*chain, name])
    return ParseError(f"include cycle: {shown}", filename=file, line=line, reason="include-cycle")


def depth_error(chain: list[str], file: str, line: int) -> LimitError:
    from confdrift import limits

    depth = limits.active().max_include_depth
    return limits.exceeded(
        f"includes nest deeper than {depth} files", "max_include_depth",
        filename=file, line=line, chain=chain)
