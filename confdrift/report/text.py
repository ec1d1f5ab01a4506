"""The text format, for people: grouped by severity, both values with their origin, the fix.

The report is built as lines of (text, style) pieces. Without colour they are joined as
they are; with colour rich prints them, each piece a :class:`rich.text.Text`, so BitBake
text (``SRC_URI[sha256sum]``) never goes through markup and brackets print as written.
rich is imported only for colour: a pre-commit hook or a CI log does without its ~35 ms.
Text output may change between versions; use ``--format json`` for machines.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from confdrift.findings import Finding, Location, Severity, Side
from confdrift.report.common import ReportContext, quoted, relative_path, source_text, summary_line

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_HEADING = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Info"}

#: One piece of a line and its rich style (``None``: plain).
Piece = tuple[str, "str | None"]
Line = list[Piece]


#: Control characters a configuration may hold (ESC starts terminal sequences): shown as
#: escapes, never sent to the terminal. Tabs stay, expanded as rich expands them.
_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F] if c != 0x09}


def render(findings: Sequence[Finding], *, context: ReportContext) -> str:
    """The human report for ``findings``."""
    lines = [[(text.translate(_CONTROL), style) for text, style in line]
             for line in _lines(findings, context)]
    if not context.color:
        return "".join("".join(text for text, _ in line).expandtabs(8) + "\n"
                       for line in lines)
    return _colored(lines, context)


def _lines(findings: Sequence[Finding], context: ReportContext) -> Iterator[Line]:
    for severity in sorted(Severity, key=lambda s: -s.rank):
        group = [f for f in findings if f.severity is severity]
        if group:
            yield [(f"{_HEADING[severity]} ({len(group)})", "bold")]
            for f in group:
                yield from _finding_lines(f, context.root)
    yield [(_summary(findings, context), "bold")]


def _colored(lines: Sequence[Line], context: ReportContext) -> str:
    from rich.console import Console
    from rich.text import Text

    out = io.StringIO()
    console = Console(
        file=out,
        width=context.width,
        force_terminal=True,
        color_system="standard",
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=True,
        legacy_windows=False,
        _environ={},
    )
    for line in lines:
        text = Text()
        for piece, style in line:
            text.append(piece, style=style)
        console.print(text)
    return out.getvalue()


def use_color(isatty: bool, environ: Mapping[str, str]) -> bool:
    """Colour on a terminal, unless ``NO_COLOR`` is set; ``FORCE_COLOR`` forces it on."""
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return isatty


def _finding_lines(f: Finding, root: Path) -> Iterator[Line]:
    yield [("  ", None), (f"{f.severity.value:<8}", _STYLE[f.severity]), (f"{f.code} ", "bold"),
           (f"{f.rule}  ", None),
           (_where(f.location, root) if f.location else "(build)", "dim")]
    for line in f.message.splitlines() or [""]:
        yield [(f"    {line}", None)]
    for label, side in (("child", f.child), ("parent", f.parent)):
        if side is not None:
            yield _side_line(label, side, root)
    for label, extra in (("scope", f.scope), ("impact", f.impact)):
        if extra:
            yield [(f"    {label + ':':<8}{extra}", "dim")]
    if f.fix:
        yield [("    fix:    ", None), (f.fix, "green")]


def _side_line(label: str, side: Side, root: Path) -> Line:
    return [(f"    {label + ':':<8}", None), (quoted(side), "bold"),
            (f"  {source_text(side, root)}", "dim")]


def _where(location: Location, root: Path) -> str:
    path = relative_path(location.file, root)
    return f"{path}:{location.line}" if location.line else path


def _summary(findings: Sequence[Finding], context: ReportContext) -> str:
    checked = f" in {len(context.files)} file{'s' if len(context.files) != 1 else ''}"
    text = summary_line(findings).rstrip(".")
    return text + (checked if context.files else "") + "."


def status(message: str) -> AbstractContextManager[object]:
    """A transient spinner on stderr while a long step runs."""
    from rich.console import Console

    return Console(stderr=True).status(message)
