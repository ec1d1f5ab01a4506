"""One side of a check: what the user named → a resolved build the rules can read.

BitBake stops at the first line it rejects; a linter must not. The user's own files
(local.conf, site.conf, auto.conf, a kas project's generated local.conf) are parsed with
recovery, each read and parsed once: every rejected line becomes an error for the CD0xx
rules, and the build is then resolved from the *cleaned* statements of each file (bad lines
left out, a value followed by a comment kept without the comment, line numbers unchanged),
so one typo does not hide every other finding. The resolved build carries those parsed
files (statements and comments) for the rules and the suppressions. Everything else
(layers, distro, machine, release defaults) is loaded as is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from confdrift.build import chain, inputs
from confdrift.build.view import ResolvedBuild
from confdrift.errors import ParseError
from confdrift.syntax import cache, parse
from confdrift.syntax.nodes import Kind, ParsedFile, Span, Statement
from confdrift.syntax.releases import dialect

if TYPE_CHECKING:
    from confdrift.build.layers import LayerInfo
    from confdrift.build.relocate import KasMap

#: Operators that store a strong value: the old-override check applies to them only.
_STRONG = frozenset({"=", "?=", ":=", "+=", "=+", ".=", "=."})
_OLD_OVERRIDE = re.compile(r"_(append|prepend|remove)")


#: A missing ``require`` in the user's file is taken out and the load tried again, this often.
_RETRIES = 20


class BuildOptions(Protocol):
    """What resolving a build reads of the run's settings (``check.settings.Settings``)."""

    @property
    def release(self) -> str | None: ...

    @property
    def layers(self) -> Sequence[str]: ...


def resolve_build(named: str, settings: BuildOptions | None = None) -> ResolvedBuild:
    """Resolve what the user named (a local.conf, a build directory or a kas file)."""
    inp = inputs.classify(named, hints=False)
    release = getattr(settings, "release", None)
    own = _OwnFiles(inp, _version(release))
    parsed = own.parsed
    inp = _with_hints(inp, parsed)
    errors = [e for p in parsed for e in p.errors] + list(_old_syntax(parsed))
    layers = list(getattr(settings, "layers", ()) or ()) or None
    for _ in range(_RETRIES):
        try:
            config, how = chain.load_build_info(inp, release=release, layers=layers, own=own)
            break
        except ParseError as err:
            where = (str(Path(err.filename or "").absolute()), err.line or 0)
            # Only a missing require is taken out to check the rest; a cycle stops the load,
            # wherever it closes (BitBake dies of recursion on it).
            if where in own.dropped or err.reason == "include-cycle" or \
                    not any(where[0] == _abs(p.filename) for p in parsed):
                raise
            err.reason = err.reason or "missing-require"
            errors.append(err)
            own.dropped.add(where)
    else:
        raise errors[-1]
    local = str(inp.local_conf) if inp.local_conf is not None else None
    return ResolvedBuild(named, config, parsed, tuple(errors), how.release, local,
                         _layers(how.layers), how.full_chain, how.inferred_from,
                         how.profile_gaps, _kas_map(inp))


class _OwnFiles:
    """The user's own files, each read from disk and parsed (with recovery) once.

    The loader asks for them by path (:data:`~confdrift.build.chain.OwnFiles`) and gets the
    statements BitBake would accept, on their original lines: rejected lines left out, a
    value followed by a comment kept without the comment, old override syntax and the
    ``require`` lines taken out (:attr:`dropped`) left out too.
    """

    def __init__(self, inp: inputs.BuildInput, version: str | None) -> None:
        self.version = version
        #: ``(absolute path, line)`` of the missing requires taken out.
        self.dropped: set[tuple[str, int]] = set()
        self._sources: dict[str, bytes] = {}
        files = []
        for path, text in own_files(inp):
            data = text.encode("utf-8") if text is not None else cache.read_source(path)
            self._sources[_abs(path)] = data
            files.append(parse.parse_source(data, path, version=version, recover=True))
        self.parsed = tuple(files)
        self._by_path = {_abs(p.filename): p for p in self.parsed}

    def __call__(self, path: str, version: str | None) -> ParsedFile | None:
        first = self._by_path.get(path)
        if first is None:
            return None
        lines = {line for file, line in self.dropped if file == path}
        if dialect(version).version == dialect(self.version).version:
            return _cleaned(first, lines)
        # The loader reads in the dialect of a release found on the way (in the layers):
        # the file is read again in that dialect from the same bytes, and what only that
        # dialect rejects stops the load as BitBake would.
        other = parse.parse_source(self._sources[path], first.filename, version=version,
                                   recover=True)
        known = {e.line for e in first.errors} | lines
        new = [e for e in other.errors if e.line not in known]
        if new:
            raise new[0]
        return _cleaned(other, lines)


def _with_hints(inp: inputs.BuildInput, parsed: Sequence[ParsedFile]) -> inputs.BuildInput:
    """MACHINE and DISTRO as the local.conf sets them (labels), from its one parse."""
    if inp.kind == "kas" or inp.local_conf is None:
        return inp
    local = _abs(str(inp.local_conf))
    found = next((p for p in parsed if _abs(p.filename) == local), None)
    if found is None:
        return inp
    machine, distro = inputs.hints_of(found.statements)
    return inp._replace(machine=machine, distro=distro)


def _kas_map(inp: inputs.BuildInput) -> KasMap | None:
    if inp.kas is None or inp.topdir is None:
        return None
    from confdrift.build.relocate import kas_map

    conf = inp.topdir / "conf"
    generated = {str(conf / name): text for name, text in inp.generated.items()
                 if name in (inputs.LOCAL_CONF, inputs.BBLAYERS_CONF)}
    return kas_map(generated, inp.kas.files, inp.kas.path)


def _abs(path: str) -> str:
    return str(Path(path).absolute())


def _version(release: str | None) -> str | None:
    from confdrift.build import profiles

    return profiles.bitbake_version(release)


def own_files(inp: inputs.BuildInput) -> list[tuple[str, str | None]]:
    """(path, generated text or None) for each file the user wrote, in BitBake's order."""
    if inp.kind == "kas" and inp.topdir is not None:
        path = str(inp.topdir / "conf" / inputs.LOCAL_CONF)
        return [(path, inp.generated.get(inputs.LOCAL_CONF))]
    files = (inp.site_conf, inp.auto_conf, inp.toolcfg_conf, inp.local_conf)
    return [(str(p), None) for p in files if p is not None]


def _old_syntax(parsed: Sequence[ParsedFile]) -> Iterable[ParseError]:
    """Old override syntax, which BitBake rejects when it evaluates the assignment."""
    for p in parsed:
        for s in p.statements:
            if _is_old_syntax(s):
                new = _OLD_OVERRIDE.sub(r":\1", s.name or "")
                error = ParseError(
                    f"{s.name} uses the old override syntax, which BitBake refuses "
                    f"('contains an operation using the old override syntax'); write {new}",
                    p.filename, s.span.end_line, s.span.column)
                error.reason = "old-override-syntax"
                yield error


def _is_old_syntax(s: Statement) -> bool:
    return (s.kind is Kind.ASSIGN and s.flag is None and s.op in _STRONG
            and bool(_OLD_OVERRIDE.search(s.name or "")))


def _cleaned(p: ParsedFile, dropped: set[int]) -> ParsedFile:
    """Only the statements BitBake would accept, on their original lines."""
    if not p.errors and not dropped and not any(_is_old_syntax(s) for s in p.statements):
        return p
    kept: list[Statement] = []
    for s in p.statements:
        if _is_old_syntax(s) or s.span.end_line in dropped:
            continue
        kept.append(_rewritten(s) if s.recovered else s)
    lines = {s.span.end_line for s in kept if not s.recovered}
    warnings = tuple(w for w in p.warnings if w.line in lines)
    return ParsedFile(p.filename, p.reader, tuple(kept), p.comments, warnings)


def _rewritten(s: Statement) -> Statement:
    """A recovered assignment as the plain line ``NAME OP "VALUE"`` on its first line (the
    comment after the value dropped), the way BitBake would read that line."""
    text = f'{s.name} {s.op} "{s.value}"'
    line = s.span.line
    start = len(f"{s.name} {s.op} ") + 2
    value_span = Span(line, start, line, start + len(s.value or "") - 1)
    return Statement(Kind.ASSIGN, Span(line, 1, line, len(text)), name=s.name, op=s.op,
                     value=s.value, value_span=value_span, text=text)


def _layers(dirs: Sequence[str]) -> tuple[LayerInfo, ...]:
    if not dirs:
        return ()
    from confdrift.build.layers import describe_layers

    return describe_layers(dirs)
