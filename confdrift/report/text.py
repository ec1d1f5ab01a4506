"""The text format, for people: grouped by severity, both values with their origin, the fix.

The only module that uses rich. BitBake text (``SRC_URI[sha256sum]``) never goes through
markup: every piece is a :class:`rich.text.Text`, so brackets print as written.
Text output may change between versions; use ``--format json`` for machines.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from rich.console import Console
from rich.text import Text

from confdrift.findings import Finding, Location, Severity, Side
from confdrift.report import ReportContext, quoted, relative_path, source_text, summary_line

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_HEADING = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Info"}


def render(findings: Sequence[Finding], *, context: ReportContext) -> str:
    """The human report for ``findings``."""
    out = io.StringIO()
    console = _console(out, context)
    for severity in sorted(Severity, key=lambda s: -s.rank):
        group = [f for f in findings if f.severity is severity]
        if group:
            console.print(Text(f"{_HEADING[severity]} ({len(group)})", style="bold"))
            for f in group:
                _print_finding(console, f, context.root)
    console.print(_summary(findings, context))
    return out.getvalue()


def use_color(isatty: bool, environ: Mapping[str, str]) -> bool:
    """Colour on a terminal, unless ``NO_COLOR`` is set; ``FORCE_COLOR`` forces it on."""
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return isatty


def _console(out: io.StringIO, context: ReportContext) -> Console:
    return Console(
        file=out,
        width=context.width,
        force_terminal=context.color,
        color_system="standard" if context.color else None,
        no_color=not context.color,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=True,
        legacy_windows=False,
        _environ={},
    )


def _print_finding(console: Console, f: Finding, root: Path) -> None:
    head = Text("  ")
    head.append(f"{f.severity.value:<8}", style=_STYLE[f.severity])
    head.append(f"{f.code} ", style="bold")
    head.append(f"{f.rule}  ")
    head.append(_where(f.location, root) if f.location else "(build)", style="dim")
    console.print(head)
    for line in f.message.splitlines() or [""]:
        console.print(Text(f"    {line}"))
    for label, side in (("child", f.child), ("parent", f.parent)):
        if side is not None:
            console.print(_side_line(label, side, root))
    for label, extra in (("scope", f.scope), ("impact", f.impact)):
        if extra:
            console.print(Text(f"    {label + ':':<8}{extra}", style="dim"))
    if f.fix:
        fix = Text("    fix:    ")
        fix.append(f.fix, style="green")
        console.print(fix)


def _side_line(label: str, side: Side, root: Path) -> Text:
    line = Text(f"    {label + ':':<8}")
    line.append(quoted(side), style="bold")
    line.append(f"  {source_text(side, root)}", style="dim")
    return line


def _where(location: Location, root: Path) -> str:
    path = relative_path(location.file, root)
    return f"{path}:{location.line}" if location.line else path


def _summary(findings: Sequence[Finding], context: ReportContext) -> Text:
    checked = f" in {len(context.files)} file{'s' if len(context.files) != 1 else ''}"
    text = summary_line(findings).rstrip(".")
    return Text(text + (checked if context.files else "") + ".", style="bold")


def status(message: str) -> AbstractContextManager[object]:
    """A transient spinner on stderr while a long step runs."""
    return Console(stderr=True).status(message)
