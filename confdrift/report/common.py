"""What every output format shares: the report's context and the wording of a finding."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from confdrift import __version__
from confdrift.findings import Finding, Severity, Side


@dataclass(frozen=True, slots=True)
class ReportContext:
    """What a report needs besides the findings."""

    #: Paths in machine formats are made relative to this directory when they are inside it.
    root: Path = field(default_factory=Path.cwd)
    #: The configuration files that were checked (JUnit lists them; text counts them).
    files: tuple[str, ...] = ()
    #: confdrift's version, stamped into SARIF and JSON.
    version: str = __version__
    #: Text format only: ANSI colour on, and the line width to lay out for.
    color: bool = False
    width: int = 100


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in report order: most severe first, then by file, line and code."""
    return sorted(findings, key=_order_key)


def _order_key(f: Finding) -> tuple[int, str, int, str, str]:
    loc = f.location
    file, line = (loc.file, loc.line) if loc else ("", 0)
    return (-f.severity.rank, file, line, f.code, f.variable or "")


def counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    """How many findings there are of each severity (every severity present, most severe first)."""
    result = {s: 0 for s in sorted(Severity, key=lambda s: -s.rank)}
    for f in findings:
        result[f.severity] += 1
    return result


def summary_line(findings: Sequence[Finding]) -> str:
    """``3 findings: 1 error, 2 warnings, 0 info`` (or ``No findings.``)."""
    if not findings:
        return "No findings."
    parts = [_plural(n, s.value) for s, n in counts(findings).items()]
    return f"{_plural(len(findings), 'finding')}: {', '.join(parts)}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 or word == "info" else f"{n} {word}s"


def source_text(side: Side, root: Path) -> str:
    """Where a value came from: ``file:line`` relative to ``root``, or the source as given."""
    loc = side.location
    if loc is None:
        return side.source
    path = relative_path(loc.file, root)
    return f"{path}:{loc.line}" if loc.line else path


def relative_path(path: str, root: Path) -> str:
    """``path`` relative to ``root`` in POSIX form when it is inside it, else unchanged."""
    candidate = Path(path)
    if not candidate.is_absolute():
        return candidate.as_posix()
    try:
        return candidate.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return candidate.as_posix()


def details(f: Finding) -> str:
    """The message followed by the child and parent values and the fix, one per line."""
    lines = [f.message]
    for label, side in (("child", f.child), ("parent", f.parent)):
        if side is not None:
            lines.append(f"{label}: {quoted(side)} ({side.source})")
    if f.fix:
        lines.append(f"fix: {f.fix}")
    return "\n".join(lines)


def quoted(side: Side) -> str:
    """A side's value as BitBake writes it, or ``(unset)``."""
    return "(unset)" if side.value is None else f'"{side.value}"'
