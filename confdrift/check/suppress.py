"""Suppression comments, and CD901 for the ones that suppress nothing.

BitBake has no trailing comments, so a suppression sits on its own line(s) directly above
the assignment it excuses::

    # confdrift: ignore[CD101, layer-drift] the parent is wrong here, ticket 42
    PACKAGE_CLASSES = "package_rpm"

``# confdrift: file-ignore[CD3]`` anywhere in a file applies to the whole file. Entries are
codes, code prefixes or rule names; ``# confdrift: ignore`` without brackets means all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from confdrift.errors import ConfdriftError
from confdrift.findings import Finding, Location
from confdrift.rules.meta import UNUSED_SUPPRESSION
from confdrift.syntax.nodes import Comment, ParsedFile

_DIRECTIVE = re.compile(
    r"^#\s*confdrift:\s*(?P<kind>ignore|file-ignore)\b"
    r"(?:\[(?P<codes>[^\]]*)\]|(?P<unclosed>\[.*))?", re.IGNORECASE
)


class Suppression(NamedTuple):
    """One suppression comment."""

    file: str
    #: The comment's own line (where CD901 points).
    line: int
    #: The line it applies to; 0 for a file-level suppression.
    target: int
    #: As written (codes, prefixes or names); empty means every rule.
    entries: tuple[str, ...]


def parse_directives(filename: str, comments: Sequence[Comment]) -> tuple[Suppression, ...]:
    """The suppressions among ``comments`` (in file order) of file ``filename``."""
    starts = {c.line: c for c in comments}
    found = []
    for comment in comments:
        match = _DIRECTIVE.match(comment.text.strip())
        if match is None:
            continue
        entries = tuple(e.strip() for e in (match["codes"] or "").split(",") if e.strip())
        if match["unclosed"]:
            # "ignore[CD101" is no "ignore everything": it suppresses nothing, so CD901
            # reports it rather than letting it hide every finding below.
            entries = (match["unclosed"].strip(),)
        whole_file = match["kind"].lower() == "file-ignore"
        target = 0 if whole_file else _line_below(comment, starts)
        found.append(Suppression(filename, comment.line, target, entries))
    return tuple(found)


def _line_below(comment: Comment, starts: dict[int, Comment]) -> int:
    # Several comments may stack above one assignment: skip to the first non-comment line.
    line = comment.end_line + 1
    while line in starts:
        line = starts[line].end_line + 1
    return line


def load_suppressions(paths: Iterable[str]) -> tuple[Suppression, ...]:
    """The suppressions in every readable file of ``paths`` (each file read once)."""
    found: list[Suppression] = []
    for path in dict.fromkeys(paths):
        if Path(path).is_file():
            found.extend(parse_directives(path, read_comments(path)))
    return tuple(found)


def suppressions_of(files: Iterable[ParsedFile]) -> tuple[Suppression, ...]:
    """The suppressions in files already parsed (a resolved build's own files, which carry
    their comments): nothing is read again. A file not on disk (kas's generated local.conf)
    has none, as in :func:`load_suppressions`."""
    found: list[Suppression] = []
    for parsed in {p.filename: p for p in files}.values():
        if Path(parsed.filename).is_file():
            found.extend(parse_directives(parsed.filename, parsed.comments))
    return tuple(found)


def read_comments(path: str) -> tuple[Comment, ...]:
    """The file's comments, from the parser (recovering past lines BitBake would reject)."""
    from confdrift.syntax.parse import parse_file

    try:
        return tuple(parse_file(path, recover=True).comments)
    except ConfdriftError:
        # Unreadable as BitBake text at all (binary, too large): scan for '#' lines instead.
        return _scan_comments(path)


def _scan_comments(path: str) -> tuple[Comment, ...]:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ()
    return tuple(
        Comment(number, number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.startswith("#")
    )


def apply_suppressions(
    findings: Iterable[Finding], suppressions: Sequence[Suppression]
) -> list[Finding]:
    """``findings`` minus the suppressed ones, plus one CD901 per entry that matched nothing."""
    kept, unused = split_suppressions(findings, suppressions)
    return kept + unused


def split_suppressions(
    findings: Iterable[Finding], suppressions: Sequence[Suppression]
) -> tuple[list[Finding], list[Finding]]:
    """``findings`` minus the suppressed ones, and one CD901 per entry that matched nothing."""
    used: set[tuple[int, int]] = set()
    kept = []
    for f in findings:
        hits = _hits(f, suppressions)
        used.update(hits)
        if not hits:
            kept.append(f)
    return kept, _unused(suppressions, used)


def _hits(f: Finding, suppressions: Sequence[Suppression]) -> list[tuple[int, int]]:
    # (suppression index, entry index); entry -1 stands for a bare "ignore all".
    if f.location is None or f.code == UNUSED_SUPPRESSION.code:
        return []
    where = _key(f.location.file)
    hits = []
    for i, s in enumerate(suppressions):
        if _key(s.file) != where or s.target not in (0, f.location.line):
            continue
        if not s.entries:
            hits.append((i, -1))
        hits.extend((i, j) for j, entry in enumerate(s.entries) if _entry_matches(entry, f))
    return hits


def _entry_matches(entry: str, f: Finding) -> bool:
    upper = entry.upper()
    if re.fullmatch(r"CD[0-9]{0,3}", upper):
        return f.code.startswith(upper)
    return entry.lower() == f.rule


def _unused(suppressions: Sequence[Suppression], used: set[tuple[int, int]]) -> list[Finding]:
    result: list[Finding] = []
    for i, s in enumerate(suppressions):
        entries = list(enumerate(s.entries)) or [(-1, "all rules")]
        result.extend(_unused_finding(s, entry) for j, entry in entries if (i, j) not in used)
    return result


def _unused_finding(s: Suppression, entry: str) -> Finding:
    where = f"on line {s.target}" if s.target else "in this file"
    return UNUSED_SUPPRESSION.finding_at(
        Location(s.file, s.line), f"unused suppression: no {entry} finding {where}"
    )


def _key(path: str) -> str:
    return str(Path(path).resolve())
