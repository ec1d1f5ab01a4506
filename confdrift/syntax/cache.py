"""Reading source files safely, and the on-disk parse cache (JSON, never pickle).

An entry is keyed by the BLAKE2b-256 of the file's bytes, the grammar version and the
reader options, so an edited file, a changed grammar or another BitBake version never
hits a stale entry. Entries do not store the file name: the same content parsed under
another name is re-labelled on load. Every cache problem means "no cache", never an error.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import stat
from typing import Any

# hashlib's blake2b is _blake2's; importing hashlib would also load OpenSSL (_hashlib),
# about 2.5 ms of every start for a hash this module does not use.
try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without the builtin module
    from hashlib import blake2b

from confdrift import limits
from confdrift.errors import InputError, ParseError
from confdrift.syntax.dialect import GRAMMAR_VERSION
from confdrift.syntax.nodes import Comment, Kind, ParsedFile, ParseWarning, Span, Statement


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
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError("not a regular file (a FIFO, socket or device?)", name)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:  # plain reads: no buffered file object for a one-shot read
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
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


def cache_dir() -> str | None:
    """Where entries live, or ``None`` when caching is switched off."""
    env = os.environ
    if env.get("CONFDRIFT_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = env.get("CONFDRIFT_CACHE_DIR")
    if explicit:
        return explicit
    base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "confdrift")


#: What besides the content decides a parse: (reader, base_config, BitBake version, recover).
Options = tuple[str, bool, str, bool]


#: The layout of an entry; raise it when the rows change, so old entries are never misread.
ENTRY_FORMAT = 2


@functools.cache
def _salt(options: Options) -> bytes:
    return json.dumps([GRAMMAR_VERSION, ENTRY_FORMAT, *options]).encode()


def _entry(data: bytes, options: Options) -> str | None:
    folder = cache_dir()
    if folder is None:
        return None
    digest = blake2b(data, digest_size=32)
    digest.update(_salt(options))
    key = digest.hexdigest()
    # Plain strings, not Path objects: this runs for every file of every run.
    return os.path.join(folder, key[:2], key + ".json")


def load(data: bytes, options: Options, name: str) -> ParsedFile | None:
    """The cached parse of ``data``, relabelled as ``name``; ``None`` on any miss."""
    raw = _load_entry(_entry(data, options))
    try:
        return None if raw is None else _from_json(raw, name)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError):
        return None  # corrupt: parse again and overwrite it


def _load_entry(path: str | None) -> Any:
    if path is None:
        return None
    try:
        with open(path, "rb") as entry:
            return json.loads(_verified(entry.read()))
    except (OSError, ValueError, RecursionError):
        return None  # missing, truncated or corrupt


def load_data(source: bytes, kind: str) -> Any:
    """Plain JSON data cached for ``source`` (e.g. the knowledge base's parsed TOML)."""
    return _load_entry(_data_entry(source, kind))


def store_data(source: bytes, kind: str, value: Any) -> None:
    """Cache ``value`` (JSON-serialisable data) for ``source``; see :func:`store`."""
    _write_entry(_data_entry(source, kind), value)


def _data_entry(source: bytes, kind: str) -> str | None:
    folder = cache_dir()
    if folder is None:
        return None
    key = blake2b(kind.encode() + b"\0" + source, digest_size=32).hexdigest()
    return os.path.join(folder, key[:2], key + ".json")


# An entry is a line holding the digest of the JSON text, then the JSON text. Hashing the
# bytes as read is cheap; re-serialising the decoded JSON to check it doubled a cache hit.
def _digest(body: bytes) -> bytes:
    return blake2b(body, digest_size=16).hexdigest().encode()


def _sealed(raw: Any) -> bytes:
    body = json.dumps(raw, separators=(",", ":")).encode()
    return _digest(body) + b"\n" + body


def _verified(entry: bytes) -> bytes:
    # A flipped byte can leave valid JSON that means something else; the digest catches it.
    head, _, body = entry.partition(b"\n")
    if head != _digest(body):
        raise ValueError("cache entry does not match its digest")
    return body


def store(data: bytes, options: Options, parsed: ParsedFile) -> None:
    """Write an entry atomically; silently skip when the directory is not writable."""
    _write_entry(_entry(data, options), _to_json(parsed))


def _write_entry(path: str | None, raw: Any) -> None:
    import tempfile  # a warm cache writes nothing: tempfile (and random) stay unloaded

    if path is None:
        return
    text = _sealed(raw)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text)
        # Readers in other processes see the old entry or the whole new one, never half.
        os.replace(tmp, path)
    except BaseException as exc:
        # Disk full, permissions or an interrupt: leave no temporary file behind.
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if not isinstance(exc, OSError):
            raise


# Entries are compact positional arrays: decoding and rebuilding them is most of the cost
# of a cache hit, so a statement is one flat row (no nested arrays for its spans) and its
# nodes are built with tuple.__new__, which skips the named tuples' argument handling.
# A statement's row: kind, span (4 ints), name, flag, op, value, value span (4 ints, all 0
# when there is no value), exported, args, text, recovered.
_KINDS = {kind.value: kind for kind in Kind}
_NO_SPAN = (0, 0, 0, 0)
_new = tuple.__new__


def _to_json(parsed: ParsedFile) -> dict[str, Any]:
    return {
        "reader": parsed.reader,
        "statements": [_statement_row(s) for s in parsed.statements],
        "comments": [list(c) for c in parsed.comments],
        "warnings": [list(w) for w in parsed.warnings],
        "errors": [[e.message, e.line, e.column, e.reason] for e in parsed.errors],
    }


def _statement_row(s: Statement) -> list[Any]:
    return [s.kind.value, *s.span, s.name, s.flag, s.op, s.value,
            *(_NO_SPAN if s.value_span is None else s.value_span), s.exported, s.args,
            s.text, s.recovered]


def _from_json(raw: dict[str, Any], name: str) -> ParsedFile:
    return ParsedFile(
        name,
        str(raw["reader"]),
        tuple(map(_statement, raw["statements"])),
        tuple([_new(Comment, c) for c in raw["comments"]]),
        tuple([_new(ParseWarning, w) for w in raw["warnings"]]),
        tuple(ParseError(m, name, line, col, reason=reason)
              for m, line, col, reason in raw["errors"]),
    )


def _statement(row: list[Any]) -> Statement:
    (kind, line, column, end_line, end_column, name, flag, op, value,
     vline, vcolumn, vend_line, vend_column, exported, args, text, recovered) = row
    value_span = _new(Span, (vline, vcolumn, vend_line, vend_column)) if vline else None
    return _new(Statement, (_KINDS[kind], _new(Span, (line, column, end_line, end_column)),
                            name, flag, op, value, value_span, exported,
                            tuple(args) if args else (), text, recovered))
