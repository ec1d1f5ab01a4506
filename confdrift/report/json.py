"""The JSON format: a documented, versioned schema for machines.

Schema version 1::

    {
      "version": 1,
      "tool": {"name": "confdrift", "version": "0.1.0"},
      "summary": {"total": 2, "error": 1, "warning": 1, "info": 0},
      "findings": [
        {"code": "CD103", "rule": "package-classes-drift", "severity": "error",
         "variable": "PACKAGE_CLASSES", "message": "...",
         "file": "conf/local.conf", "line": 12,
         "child": {"value": "package_ipk", "source": "conf/local.conf:12", "evaluated": true},
         "parent": {"value": "package_rpm", "source": "release default, scarthgap, poky.conf:33",
                    "evaluated": true},
         "scope": "...", "impact": "...", "fix": "PACKAGE_CLASSES = \\"package_ipk\\""}
      ]
    }

``file``, ``line``, ``variable``, ``child``, ``parent``, ``value``, ``scope``, ``impact`` and
``fix`` are ``null`` when unknown; ``line`` (1-based, never 0) is ``null`` as well when a
whole file is meant. ``evaluated`` is false when the value holds inline Python confdrift did
not run (compared as written). Keys are only ever added within a version; a removal or a
change of meaning bumps ``version``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from confdrift.findings import Finding, Side
from confdrift.report.common import ReportContext, counts, relative_path, source_text

SCHEMA_VERSION = 1


def render(findings: Sequence[Finding], *, context: ReportContext) -> str:
    """The JSON document for ``findings``, with a trailing newline."""
    document = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "confdrift", "version": context.version},
        "summary": _summary(findings),
        "findings": [_finding(f, context) for f in findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _summary(findings: Sequence[Finding]) -> dict[str, int]:
    result = {"total": len(findings)}
    result.update({s.value: n for s, n in counts(findings).items()})
    return result


def _finding(f: Finding, context: ReportContext) -> dict[str, Any]:
    loc = f.location
    return {
        "code": f.code,
        "rule": f.rule,
        "severity": f.severity.value,
        "variable": f.variable,
        "message": f.message,
        "file": relative_path(loc.file, context.root) if loc else None,
        # Location.line 0 means "the whole file": no line is known, and the schema says null.
        "line": loc.line if loc and loc.line > 0 else None,
        "child": _side(f.child, context.root),
        "parent": _side(f.parent, context.root),
        "scope": f.scope,
        "impact": f.impact,
        "fix": f.fix,
    }


def _side(side: Side | None, root: Path) -> dict[str, str | bool | None] | None:
    if side is None:
        return None
    return {"value": side.value, "source": source_text(side, root), "evaluated": side.evaluated}
