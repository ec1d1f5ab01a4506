"""The GitHub Actions format: one workflow command per finding, then a summary line.

``::error file=conf/local.conf,line=12,title=CD101 package-classes-drift::message``.
Data escapes ``%``, CR and LF; property values additionally escape ``:`` and ``,`` — BitBake
names such as ``FILES:${PN}`` would otherwise cut a property short. GitHub shows only ten
annotations of each level per step, so the last line counts them all.
"""

from __future__ import annotations

from collections.abc import Sequence

from confdrift.findings import Finding, Severity
from confdrift.report.common import ReportContext, counts, details, relative_path, summary_line

_SHOWN_PER_LEVEL = 10
_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(findings: Sequence[Finding], *, context: ReportContext) -> str:
    """Workflow commands for ``findings`` and a closing summary line."""
    lines = [_annotation(f, context) for f in findings]
    lines.append(f"confdrift: {summary_line(findings)}{_truncation_note(findings)}")
    return "\n".join(lines) + "\n"


def _truncation_note(findings: Sequence[Finding]) -> str:
    if max(counts(findings).values(), default=0) <= _SHOWN_PER_LEVEL:
        return ""
    return (
        f" (GitHub shows only {_SHOWN_PER_LEVEL} annotations of each level per step;"
        " use --format text or sarif to see them all)"
    )


def escape_data(text: str) -> str:
    """Escape the message part of a workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a ``key=value`` property of a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(f: Finding, context: ReportContext) -> str:
    props = []
    if f.location is not None:
        props.append(f"file={escape_property(relative_path(f.location.file, context.root))}")
        if f.location.line:
            props.append(f"line={f.location.line}")
    title = f"{f.code} {f.rule}" + (f" {f.variable}" if f.variable else "")
    props.append(f"title={escape_property(title)}")
    return f"::{_COMMAND[f.severity]} {','.join(props)}::{escape_data(details(f))}"
