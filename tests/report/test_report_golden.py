"""Every output format on one set of awkward findings, compared with tests/golden/.

Regenerate the golden files after an intended change, then review the diff like code::

    CONFDRIFT_REGEN=1 pytest tests/report/test_report_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from confdrift.findings import Assign, Finding, Fix, Location, Severity, Side
from confdrift.report import OutputFormat, ReportContext, render, sarif
from confdrift.rules import Rule
from confdrift.rules.meta import UNUSED_SUPPRESSION

GOLDEN = Path(__file__).parents[1] / "golden"
ROOT = Path("/nonexistent/project")
CONTEXT = ReportContext(
    root=ROOT, files=("conf/local.conf", "conf/other.conf"), version="0.0.0-test", width=100
)
SUFFIX = {
    OutputFormat.TEXT: "txt",
    OutputFormat.JSON: "json",
    OutputFormat.SARIF: "sarif",
    OutputFormat.GITHUB: "github",
    OutputFormat.JUNIT: "junit.xml",
}

FINDINGS = (
    Finding(
        "CD101",
        "package-classes-drift",
        Severity.ERROR,
        "PACKAGE_CLASSES differs from the parent: every package task reruns",
        Location("conf/local.conf", 12),
        "PACKAGE_CLASSES",
        Side("package_rpm", "conf/local.conf:12"),
        Side("package_ipk", "release default, scarthgap, poky.conf:33"),
        scope="do_package_write_*",
        impact="0% of package tasks reusable (estimated)",
        remedy=Fix.of(Assign("PACKAGE_CLASSES", "package_ipk")),
    ),
    Finding(
        "CD102",
        "varflag-drift",
        Severity.WARNING,
        "SRC_URI[sha256sum] differs; [/usr/bin] <b>&amp; 100%",
        Location(str(ROOT / "conf/site.conf"), 3),
        "SRC_URI[sha256sum]",
        Side("abc [x]", "conf/site.conf:3"),
        Side(None, "unset in the parent"),
    ),
    Finding(
        "CD103",
        "files-drift",
        Severity.WARNING,
        "FILES:${PN}, with commas: and colons\nover two lines\r\n",
        Location("conf/local.conf", 20),
        "FILES:${PN}",
        Side("${bindir}/a, ${bindir}/b", "conf/local.conf:20"),
        Side("${bindir}/a", "parent conf/local.conf:7"),
        remedy=Fix.of(Assign("FILES:${PN}", "${bindir}/a")),
    ),
    Finding("CD301", "hashserv-unreachable", Severity.INFO, "no BB_HASHSERVE: build-wide"),
    Finding(
        "CD901",
        "unused-suppression",
        Severity.WARNING,
        "unused suppression: no CD101 finding on line 5 — ünïcode",
        Location("conf/other.conf", 4),
    ),
)


RULES = {
    "CD101": Rule(
        "CD101",
        "package-classes-drift",
        Severity.ERROR,
        "PACKAGE_CLASSES differs from the parent",
        "## What it does\nCompares `PACKAGE_CLASSES`.\n\n## How to fix\nUse the parent's value.",
    ),
    "CD901": UNUSED_SUPPRESSION,
}


@pytest.fixture(autouse=True)
def _fixed_rule_docs(monkeypatch: pytest.MonkeyPatch) -> None:
    # SARIF embeds rule docs; the goldens must not change whenever a rule's wording does.
    monkeypatch.setattr(sarif, "lookup", RULES.get)


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CONFDRIFT_REGEN"):
        path.write_bytes(actual.encode("utf-8"))
    assert actual == path.read_bytes().decode("utf-8")


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_golden(fmt: OutputFormat) -> None:
    assert_golden(f"findings.{SUFFIX[fmt]}", render(fmt, FINDINGS, context=CONTEXT))


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_no_findings_renders(fmt: OutputFormat) -> None:
    assert_golden(f"empty.{SUFFIX[fmt]}", render(fmt, [], context=CONTEXT))
