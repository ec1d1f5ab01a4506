"""The one in-process memo of parsed files.

A child and its parent share every layer file, and one check reads each user file for
several purposes (the datastore, suppressions, hints): a :class:`ParsedFile` is immutable,
so one parse serves them all. Entries are keyed by the file's identity (mtime, size, inode)
and the parse options, so an edited file is read again. The on-disk parse cache
(:mod:`confdrift.syntax.cache`) is separate: it spares the parse across processes.
"""

from __future__ import annotations

import os

from confdrift.syntax.nodes import ParsedFile

_Key = tuple[str, bool | None, str | None, bool, int, int, int]

_PARSED: dict[_Key, ParsedFile] = {}
#: Entries kept at most; the oldest goes first.
MEMO_LIMIT = 4096


def parse_file(
    path: str, *, base_config: bool | None = None, version: str | None = None,
    recover: bool = False,
) -> ParsedFile:
    """:func:`confdrift.syntax.parse.parse_file`, once per process for an unchanged file."""
    from confdrift.syntax import parse

    try:
        info = os.stat(path)
    except OSError:
        # Let the parser say why the file cannot be read.
        return parse.parse_file(path, base_config=base_config, version=version, recover=recover)
    key = (path, base_config, version, recover, info.st_mtime_ns, info.st_size, info.st_ino)
    parsed = _PARSED.get(key)
    if parsed is None:
        parsed = parse.parse_file(path, base_config=base_config, version=version,
                                  recover=recover)
        if len(_PARSED) >= MEMO_LIMIT:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = parsed
    return parsed


def forget() -> None:
    """Empty the memo (benchmarks, long-running callers)."""
    _PARSED.clear()
