"""confdrift's exit codes: the whole contract in one place.

| code | meaning |
| ---- | ------- |
| 0 | no finding at or above ``--fail-on`` (default ``error``) |
| 1 | findings at or above ``--fail-on``, syntax errors (CD0xx) included |
| 2 | usage, configuration or input error: bad arguments, unknown config key, unreadable file |
| 3 | internal error: a bug in confdrift; a short message and a hint to report it |
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum

from confdrift.findings import Finding, Severity


class ExitCode(IntEnum):
    """The process exit status of every confdrift command."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    INTERNAL = 3


def for_findings(findings: Iterable[Finding], fail_on: Severity) -> ExitCode:
    """``FINDINGS`` when any finding is at or above ``fail_on``, else ``OK``."""
    threshold = fail_on.rank
    if any(f.severity.rank >= threshold for f in findings):
        return ExitCode.FINDINGS
    return ExitCode.OK
