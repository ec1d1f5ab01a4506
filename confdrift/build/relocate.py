"""Point findings in kas-generated files back at the kas project files a user edits.

kas writes ``conf/local.conf`` and ``conf/bblayers.conf`` from the project's YAML
(``local_conf_header``, ``machine``, ``distro``...). confdrift reads those texts without
running kas, so a finding would name a file that may not exist yet. Each generated line is
looked up, by its text, in the kas files that were merged; a line found there moves to it,
anything else in a generated file points at the project file itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from confdrift.findings import Finding, Location, Side


@dataclass(frozen=True)
class KasMap:
    """Where the lines of a kas project's generated files are written in its YAML."""

    project: str
    #: (generated file, line) -> the kas file and line with the same text.
    lines: Mapping[tuple[str, int], Location] = field(default_factory=dict)
    generated: frozenset[str] = frozenset()

    def move(self, location: Location | None) -> Location | None:
        if location is None or location.file not in self.generated:
            return location
        return self.lines.get((location.file, location.line), Location(self.project, 0))


def kas_map(generated: Mapping[str, str], kas_files: Iterable[Path], project: Path) -> KasMap:
    """The map for generated texts (keyed by absolute path) written from ``kas_files``."""
    written: dict[str, Location] = {}
    for kas_file in kas_files:
        try:
            lines = kas_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, text in enumerate(lines, 1):
            here = Location(str(kas_file), number)
            key = _KEYS.match(text)
            if key:
                # MACHINE ??= "x" comes from "machine: x"; a later file's key wins, as in kas.
                written[_KEY_LINES[key.group(1)]] = here
            elif text.strip():
                written.setdefault(text.strip(), here)
    found: dict[tuple[str, int], Location] = {}
    for path, text in generated.items():
        for number, line in enumerate(text.splitlines(), 1):
            lead = line.split("??=", 1)[0].strip() + " ??="
            target = written.get(line.strip()) or written.get(lead)
            if target is not None:
                found[(path, number)] = target
    return KasMap(str(project), found, frozenset(generated))


_KEYS = re.compile(r"^(machine|distro):")
_KEY_LINES = {"machine": "MACHINE ??=", "distro": "DISTRO ??="}


def relocate(findings: Iterable[Finding], where: KasMap | None) -> list[Finding]:
    """The findings with generated-file locations (and sides) moved to the kas files."""
    if where is None:
        return list(findings)
    return [_finding(f, where) for f in findings]


def _finding(f: Finding, where: KasMap) -> Finding:
    moved = (where.move(f.location), _side(f.child, where), _side(f.parent, where))
    if moved == (f.location, f.child, f.parent):
        return f
    return f._replace(location=moved[0], child=moved[1], parent=moved[2])


def _side(side: Side | None, where: KasMap) -> Side | None:
    if side is None or side.location is None:
        return side
    moved = where.move(side.location)
    if moved == side.location or moved is None:
        return side
    return side._replace(source=str(moved), location=moved)
