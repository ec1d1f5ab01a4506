"""The SARIF 2.1.0 format, as GitHub code scanning accepts it.

Rules carry their documentation as help text; results carry a physical location relative to
``%SRCROOT%`` (the report root) and a ``partialFingerprints`` entry that does not move when
lines are inserted above the finding, so code scanning can track an alert across commits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from confdrift.findings import Finding, Severity
from confdrift.report.common import ReportContext, details, relative_path
from confdrift.rules import Rule, lookup

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_BASE = "SRCROOT"


def render(findings: Sequence[Finding], *, context: ReportContext) -> str:
    """The SARIF log for ``findings``."""
    rules = _rules(findings)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    run = {
        "tool": {"driver": _driver(context, rules)},
        "originalUriBaseIds": {_BASE: {"uri": context.root.resolve().as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.code], context) for f in findings],
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _driver(context: ReportContext, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": "confdrift",
        "version": context.version,
        "semanticVersion": context.version,
        "rules": rules,
    }


def _rules(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for f in findings:
        if f.code not in seen:
            seen[f.code] = _rule(lookup(f.code), f)
    return [seen[code] for code in sorted(seen)]


def _rule(rule: Rule | None, f: Finding) -> dict[str, Any]:
    # A finding from a rule the registry does not know still needs a descriptor.
    summary = rule.summary if rule else f.rule
    doc = rule.doc if rule else summary
    return {
        "id": f.code,
        "name": f.rule,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": summary},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": _LEVEL[rule.severity if rule else f.severity]},
        "properties": {"tags": ["bitbake", "sstate"]},
    }


def _result(f: Finding, rule_index: int, context: ReportContext) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[f.severity],
        "message": {"text": details(f)},
        "partialFingerprints": {"confdrift/v1": _fingerprint(f, context)},
    }
    location = _location(f, context)
    if location is not None:
        result["locations"] = [location]
    return result


def _location(f: Finding, context: ReportContext) -> dict[str, Any] | None:
    # Code scanning needs a file for every result: a build-wide finding points at the first child.
    path = f.location.file if f.location else (context.files[0] if context.files else None)
    if path is None:
        return None
    physical: dict[str, Any] = {"artifactLocation": _artifact(path, context.root)}
    if f.location and f.location.line:
        physical["region"] = {"startLine": f.location.line}
    return {"physicalLocation": physical}


def _artifact(path: str, root: Path) -> dict[str, str]:
    rel = relative_path(path, root)
    if Path(rel).is_absolute():
        return {"uri": Path(rel).as_uri()}
    return {"uri": quote(rel), "uriBaseId": _BASE}


def _fingerprint(f: Finding, context: ReportContext) -> str:
    where = relative_path(f.location.file, context.root) if f.location else ""
    key = "\0".join((f.code, where, f.variable or f.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
