"""Reading source files safely, and the on-disk parse cache (JSON, never pickle).

An entry is keyed by the sha256 of the file's bytes, the grammar version and the
reader options, so an edited file, a changed grammar or another BitBake version never
hits a stale entry. Entries do not store the file name: the same content parsed under
another name is re-labelled on load. Every cache problem means "no cache", never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from confdrift import limits
from confdrift.dialect import GRAMMAR_VERSION
from confdrift.errors import InputError, ParseError
from confdrift.nodes import Comment, Kind, ParsedFile, ParseWarning, Span, Statement


def read_source(name: str) -> bytes:
    """The bytes of a regular file, or an :class:`InputError` saying why not."""
    try:
        info = os.stat(name)
    except FileNotFoundError:
        raise InputError("no such file", name) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", name) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a directory, not a configuration file", name)
    if not stat.S_ISREG(info.st_mode):
        # FIFOs, sockets and devices could block or never end: refuse before opening.
        raise InputError("not a regular file (a FIFO, socket or device?)", name)
    if info.st_size > limits.active().max_file_size:
        raise limits.exceeded(f"file is {info.st_size} bytes", "max_file_size", filename=name)
    try:
        return _read_regular(name, limits.active().max_file_size)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", name) from None


def _read_regular(name: str, limit: int) -> bytes:
    # O_NONBLOCK: if the file was swapped for a FIFO since the stat, opening must not hang;
    # the bounded read stops a file that grows (or lies about its size) at the limit.
    fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise InputError("not a regular file (a FIFO, socket or device?)", name)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise limits.exceeded(f"file is over {limit} bytes", "max_file_size", filename=name)
    return data


def decode(data: bytes, name: str) -> str:
    """UTF-8 text (a BOM is kept, as BitBake keeps it), or an :class:`InputError`."""
    nul = data.find(b"\0")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise InputError("binary file (NUL byte); BitBake reads text files only", name, line)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} ({exc.reason}); BitBake needs "
            "UTF-8 everywhere, comments included: re-save the file as UTF-8",
            name, line, column) from None


def cache_dir() -> Path | None:
    """Where entries live, or ``None`` when caching is switched off."""
    if os.environ.get("CONFDRIFT_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("CONFDRIFT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "confdrift"


def _entry(data: bytes, options: dict[str, object]) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    digest = hashlib.sha256(data)
    digest.update(json.dumps([GRAMMAR_VERSION, options], sort_keys=True).encode())
    key = digest.hexdigest()
    return folder / key[:2] / f"{key}.json"


def load(data: bytes, options: dict[str, object], name: str) -> ParsedFile | None:
    """The cached parse of ``data``, relabelled as ``name``; ``None`` on any miss."""
    path = _entry(data, options)
    if path is None:
        return None
    try:
        return _from_json(json.loads(path.read_text("utf-8")), name)
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError):
        return None  # missing, truncated or corrupt: parse again and overwrite it


def store(data: bytes, options: dict[str, object], parsed: ParsedFile) -> None:
    """Write an entry atomically; silently skip when the directory is not writable."""
    path = _entry(data, options)
    if path is None:
        return
    text = json.dumps(_to_json(parsed), separators=(",", ":"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        # Readers in other processes see the old entry or the whole new one, never half.
        os.replace(tmp, path)
    except BaseException as exc:
        # Disk full, permissions or an interrupt: leave no temporary file behind.
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if not isinstance(exc, OSError):
            raise


def _to_json(parsed: ParsedFile) -> dict[str, Any]:
    return {
        "reader": parsed.reader,
        "statements": [_statement_json(s) for s in parsed.statements],
        "comments": [asdict(c) for c in parsed.comments],
        "warnings": [asdict(w) for w in parsed.warnings],
        "errors": [[e.message, e.line, e.column] for e in parsed.errors],
    }


def _statement_json(s: Statement) -> dict[str, Any]:
    out = {k: v for k, v in asdict(s).items() if v is not None and v is not False and v != ()}
    out["kind"] = s.kind.value
    return out


def _from_json(raw: dict[str, Any], name: str) -> ParsedFile:
    return ParsedFile(
        filename=name,
        reader=str(raw["reader"]),
        statements=tuple(_statement(s) for s in raw["statements"]),
        comments=tuple(Comment(**c) for c in raw["comments"]),
        warnings=tuple(ParseWarning(**w) for w in raw["warnings"]),
        errors=tuple(ParseError(m, name, line, col) for m, line, col in raw["errors"]),
    )


def _statement(raw: dict[str, Any]) -> Statement:
    fields = dict(raw)
    fields["kind"] = Kind(fields["kind"])
    fields["span"] = Span(**fields["span"])
    if "value_span" in fields:
        fields["value_span"] = Span(**fields["value_span"])
    if "args" in fields:
        fields["args"] = tuple(fields["args"])
    return Statement(**fields)
