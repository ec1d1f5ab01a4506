"""CD9xx: rules about confdrift itself. Their findings come from suppress.py, not a check."""

from __future__ import annotations

from confdrift.findings import Severity
from confdrift.rules import Rule, register

UNUSED_SUPPRESSION = register(
    Rule(
        code="CD901",
        name="unused-suppression",
        severity=Severity.WARNING,
        summary="A `# confdrift: ignore[...]` comment suppresses nothing",
        doc="""\
## What it does
Reports a suppression comment (`# confdrift: ignore[CODE]` above an assignment, or
`# confdrift: file-ignore[CODE]` anywhere in a file) that matched no finding.

## Why it matters
A suppression outlives the drift it excused: once the child matches its parent again, the
comment stays and would silently hide the next, possibly different, drift on that line.

## Example
```
# confdrift: ignore[CD101]
PACKAGE_CLASSES = "package_ipk"
```
when `PACKAGE_CLASSES` no longer differs from the parent.

## How to fix
Delete the comment, or the codes in it that no longer match anything.""",
    )
)
