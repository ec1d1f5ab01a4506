"""One side of a check: what the user named → a resolved build the rules can read.

BitBake stops at the first line it rejects; a linter must not. The user's own files
(local.conf, site.conf, auto.conf, a kas project's generated local.conf) are parsed with
recovery: every rejected line becomes an error for the CD0xx rules, and the build is then
resolved from a *cleaned* copy of each file (bad lines blanked, a value followed by a comment
kept without the comment, line numbers unchanged), so one typo does not hide every other
finding. Everything else (layers, distro, machine, release defaults) is loaded as is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from confdrift.build import chain as context
from confdrift.build import inputs
from confdrift.build.view import ResolvedBuild
from confdrift.errors import ParseError
from confdrift.syntax import parse
from confdrift.syntax.nodes import Kind, ParsedFile, Statement

if TYPE_CHECKING:
    from confdrift.build.layers import LayerInfo
    from confdrift.build.relocate import KasMap

#: Operators that store a strong value: the old-override check applies to them only.
_STRONG = frozenset({"=", "?=", ":=", "+=", "=+", ".=", "=."})
_OLD_OVERRIDE = re.compile(r"_(append|prepend|remove)")
#: BitBake reads files with universal newlines: \n, \r\n and a lone \r end a line.
_NEWLINE = re.compile(r"\r\n|\r|\n")


#: A missing ``require`` in the user's file is taken out and the load tried again, this often.
_RETRIES = 20


def resolve_build(named: str, settings: Any = None) -> ResolvedBuild:
    """Resolve what the user named (a local.conf, a build directory or a kas file)."""
    inp = inputs.classify(named)
    release = getattr(settings, "release", None)
    parsed = tuple(_parse_own(inp, _version(release)))
    errors = [e for p in parsed for e in p.errors] + list(_old_syntax(parsed))
    dropped: set[tuple[str, int]] = set()
    layers = list(getattr(settings, "layers", ()) or ()) or None
    for _ in range(_RETRIES):
        if errors:
            inp = replace(inp, generated={**inp.generated, **_cleaned(inp, parsed, dropped)})
        try:
            config, how = context.load_build_info(inp, release=release, layers=layers)
            break
        except ParseError as err:
            where = (str(Path(err.filename or "").absolute()), err.line or 0)
            # Only a missing require is taken out to check the rest; a cycle stops the load,
            # wherever it closes (BitBake dies of recursion on it).
            if where in dropped or err.reason == "include-cycle" or \
                    not any(where[0] == _abs(p.filename) for p in parsed):
                raise
            err.reason = err.reason or "missing-require"
            errors.append(err)
            dropped.add(where)
    else:
        raise errors[-1]
    local = str(inp.local_conf) if inp.local_conf is not None else None
    return ResolvedBuild(named, config, parsed, tuple(errors), how.release, local,
                     _layers(how.layers), how.full_chain, how.inferred_from, how.profile_gaps,
                     _kas_map(inp))


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
    from confdrift.build import releases

    return releases.bitbake_version(release)


def own_files(inp: inputs.BuildInput) -> list[tuple[str, str | None]]:
    """(path, generated text or None) for each file the user wrote, in BitBake's order."""
    if inp.kind == "kas" and inp.topdir is not None:
        path = str(inp.topdir / "conf" / inputs.LOCAL_CONF)
        return [(path, inp.generated.get(inputs.LOCAL_CONF))]
    files = (inp.site_conf, inp.auto_conf, inp.toolcfg_conf, inp.local_conf)
    return [(str(p), None) for p in files if p is not None]


def _parse_own(inp: inputs.BuildInput, version: str | None) -> Iterable[ParsedFile]:
    for path, text in own_files(inp):
        if text is not None:
            yield parse.parse_text(text, path, version=version, recover=True)
        else:
            yield parse.parse_file(path, version=version, recover=True)


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


def _cleaned(inp: inputs.BuildInput, parsed: Sequence[ParsedFile],
             dropped: set[tuple[str, int]]) -> dict[str, str]:
    """Cleaned texts of the files that had errors, keyed as the loader looks them up."""
    texts: dict[str, str] = {}
    kas = inp.kind == "kas"
    for p in parsed:
        path = _abs(p.filename)
        lines = {line for file, line in dropped if file == path}
        if p.errors or lines or any(_is_old_syntax(s) for s in p.statements):
            text = inp.generated.get(inputs.LOCAL_CONF, "") if kas else _read(p.filename)
            texts[path] = _clean_text(p, text, lines)
    return texts


def _clean_text(p: ParsedFile, text: str, dropped: set[int]) -> str:
    """Only the statements BitBake would accept, on their original lines."""
    source = _NEWLINE.split(text)
    last = max((s.span.end_line for s in p.statements), default=0)
    lines = [""] * max(last, len(source))
    for s in p.statements:
        if _is_old_syntax(s) or s.span.end_line in dropped:
            continue
        if s.recovered:
            lines[s.span.line - 1] = f'{s.name} {s.op} "{s.value}"'
        else:
            for n in range(s.span.line, s.span.end_line + 1):
                lines[n - 1] = source[n - 1] if n <= len(source) else ""
    return "\n".join(lines) + "\n"


def _read(path: str) -> str:
    # The file was just parsed, so it is readable UTF-8 text.
    return Path(path).read_bytes().decode("utf-8")


def _layers(dirs: Sequence[str]) -> tuple[LayerInfo, ...]:
    if not dirs:
        return ()
    from confdrift.build.layers import describe_layers

    return describe_layers(dirs)
