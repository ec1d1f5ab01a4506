"""Output formats: each one a pure function ``render(findings, context=...) -> str``.

The one :class:`OutputFormat` enum names the formats and :func:`render` imports the chosen
one's module, only when chosen, so that machine formats never load rich.
Text output is for humans and may change; JSON, SARIF, GitHub and JUnit are for machines.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Protocol

from confdrift.findings import Finding
from confdrift.report.common import (
    ReportContext,
    counts,
    details,
    ordered,
    quoted,
    relative_path,
    source_text,
    summary_line,
)


class OutputFormat(str, Enum):
    """Every output format ``--format`` accepts."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"
    JUNIT = "junit"


class _Renderer(Protocol):
    def __call__(self, findings: Sequence[Finding], *, context: ReportContext) -> str: ...


def render(fmt: OutputFormat, findings: Sequence[Finding], *, context: ReportContext) -> str:
    """Render ``findings`` in format ``fmt``."""
    return _renderer(fmt)(ordered(findings), context=context)


def _renderer(fmt: OutputFormat) -> _Renderer:
    # One import per format, run only for the format asked for: adding a format means
    # adding its member above and its branch here.
    if fmt is OutputFormat.TEXT:
        from confdrift.report import text

        return text.render
    if fmt is OutputFormat.JSON:
        from confdrift.report import json

        return json.render
    if fmt is OutputFormat.SARIF:
        from confdrift.report import sarif

        return sarif.render
    if fmt is OutputFormat.GITHUB:
        from confdrift.report import github

        return github.render
    if fmt is OutputFormat.JUNIT:
        from confdrift.report import junit

        return junit.render
    raise ValueError(f"no output format {fmt!r}")


__all__ = [
    "OutputFormat",
    "ReportContext",
    "counts",
    "details",
    "ordered",
    "quoted",
    "relative_path",
    "render",
    "source_text",
    "summary_line",
]
