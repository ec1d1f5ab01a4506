"""Output formats: escaping at every syntax boundary, schema validity, stable identities."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from helpers.environment import require_module, shared_missing

from confdrift.findings import Assign, Finding, Fix, Location, Severity, Side
from confdrift.report import (
    OutputFormat,
    ReportContext,
    counts,
    github,
    ordered,
    render,
    sarif,
    summary_line,
    text,
)

SCHEMA = Path(__file__).resolve().parents[2] / "../shared/schemas/sarif-schema-2.1.0.json"
ROOT = Path("/nonexistent/project")
CONTEXT = ReportContext(root=ROOT, files=("conf/local.conf",), version="1.2.3")


def finding(
    code: str = "CD101",
    severity: Severity = Severity.ERROR,
    file: str | None = "conf/local.conf",
    line: int = 3,
    variable: str = "SRC_URI[sha256sum]",
    message: str = "differs",
) -> Finding:
    return Finding(
        code,
        "some-rule",
        severity,
        message,
        Location(file, line) if file else None,
        variable,
        Side("a [b]", f"{file}:{line}"),
        Side(None, "release default"),
        remedy=Fix.of(Assign(variable, "x")),
    )


@pytest.fixture(autouse=True)
def _no_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    # Reports must work for codes the registry does not know (and not import rule modules).
    monkeypatch.setattr(sarif, "lookup", lambda code: None)


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("100%", "100%25", "100%25"),
        ("a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"),
        ("FILES:${PN}", "FILES:${PN}", "FILES%3A${PN}"),
        ("a,b", "a,b", "a%2Cb"),
        ("%0A", "%250A", "%250A"),
        ("::error", "::error", "%3A%3Aerror"),
    ],
)
def test_github_escaping(raw: str, data: str, prop: str) -> None:
    assert github.escape_data(raw) == data
    assert github.escape_property(raw) == prop


def test_github_one_annotation_per_finding_and_a_summary() -> None:
    findings = [finding(line=n) for n in range(1, 13)]
    lines = render(OutputFormat.GITHUB, findings, context=CONTEXT).splitlines()
    assert sum(line.startswith("::error file=conf/local.conf,") for line in lines) == 12
    assert lines[-1].startswith("confdrift: 12 findings: 12 errors, 0 warnings, 0 info (GitHub")
    ten = render(OutputFormat.GITHUB, findings[:10], context=CONTEXT).splitlines()
    assert ten[-1] == "confdrift: 10 findings: 10 errors, 0 warnings, 0 info"


@pytest.mark.parametrize(
    ("severity", "command"),
    [(Severity.ERROR, "::error "), (Severity.WARNING, "::warning "), (Severity.INFO, "::notice ")],
)
def test_github_level(severity: Severity, command: str) -> None:
    out = render(OutputFormat.GITHUB, [finding(severity=severity)], context=CONTEXT)
    assert out.startswith(command)


def sarif_log(findings: list[Finding], context: ReportContext = CONTEXT) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(render(OutputFormat.SARIF, findings, context=context))
    return log


def test_sarif_validates_against_the_schema() -> None:
    if not SCHEMA.is_file():
        shared_missing("the shared SARIF schema is not available")
    jsonschema = require_module("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    awkward = [
        finding(),
        finding("CD2", Severity.INFO, file=None),
        finding(file="/elsewhere/x y.conf", line=0),
        finding(file=str(ROOT / "conf/a b#c.conf")),
    ]
    errors = list(jsonschema.Draft4Validator(schema).iter_errors(sarif_log(awkward)))
    assert errors == []


def test_sarif_locations_are_relative_to_srcroot() -> None:
    log = sarif_log([finding(file=str(ROOT / "conf/a b.conf"), line=7)])
    physical = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert physical == {
        "artifactLocation": {"uri": "conf/a%20b.conf", "uriBaseId": "SRCROOT"},
        "region": {"startLine": 7},
    }
    assert log["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"] == "file:///nonexistent/project/"


def test_sarif_file_outside_root_is_an_absolute_uri() -> None:
    log = sarif_log([finding(file="/elsewhere/local.conf")])
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "file:///elsewhere/local.conf"}


def test_sarif_build_wide_finding_points_at_the_first_child() -> None:
    log = sarif_log([finding(file=None)])
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "conf/local.conf", "uriBaseId": "SRCROOT"}}


def test_sarif_fingerprint_survives_moved_lines_but_not_other_variables() -> None:
    def fingerprint(f: Finding) -> str:
        result = sarif_log([f])["runs"][0]["results"][0]
        return str(result["partialFingerprints"]["confdrift/v1"])

    base = fingerprint(finding(line=3))
    assert fingerprint(finding(line=30)) == base
    assert fingerprint(finding(variable="MACHINE")) != base
    assert fingerprint(finding(code="CD102")) != base


def test_sarif_rules_are_deduplicated_and_indexed() -> None:
    log = sarif_log([finding("CD102"), finding("CD101"), finding("CD102", line=9)])
    run = log["runs"][0]
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert ids == ["CD101", "CD102"]
    assert all(ids[r["ruleIndex"]] == r["ruleId"] for r in run["results"])


def test_sarif_uses_rule_docs_from_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    from confdrift.rules.meta import UNUSED_SUPPRESSION

    monkeypatch.setattr(sarif, "lookup", {"CD901": UNUSED_SUPPRESSION}.get)
    rule = sarif_log([finding("CD901")])["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["help"]["markdown"] == UNUSED_SUPPRESSION.doc
    assert rule["defaultConfiguration"] == {"level": "warning"}


def test_json_schema_keys_and_values() -> None:
    doc = json.loads(
        render(OutputFormat.JSON, [finding(file=str(ROOT / "a.conf"))], context=CONTEXT)
    )
    assert doc["version"] == 1
    assert doc["summary"] == {"total": 1, "error": 1, "warning": 0, "info": 0}
    (item,) = doc["findings"]
    assert list(item) == [
        "code", "rule", "severity", "variable", "message", "file", "line",
        "child", "parent", "scope", "impact", "fix",
    ]  # fmt: skip
    assert item["file"] == "a.conf"
    assert item["variable"] == "SRC_URI[sha256sum]"
    assert item["child"] == {"value": "a [b]", "source": str(ROOT / "a.conf") + ":3",
                             "evaluated": True}
    assert item["parent"] == {"value": None, "source": "release default", "evaluated": True}


@pytest.mark.parametrize("message", ["<&>\"'", "ctrl \x01\x1b chars", "]]> cdata", "ünï"])
def test_junit_is_well_formed_xml(message: str) -> None:
    out = render(OutputFormat.JUNIT, [finding(message=message)], context=CONTEXT)
    root = ET.fromstring(out.encode("utf-8"))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message", "").replace("\ufffd", "") == message.replace("\x01", "").replace(
        "\x1b", ""
    )


def test_junit_lists_clean_files_as_passing() -> None:
    context = replace(CONTEXT, files=("conf/local.conf", "conf/clean.conf"))
    root = ET.fromstring(render(OutputFormat.JUNIT, [finding()], context=context))
    cases = [(c.get("classname"), c.find("failure") is not None) for c in root.iter("testcase")]
    assert cases == [("conf/local.conf", True), ("conf/clean.conf", False)]
    assert root.get("failures") == "1"


def test_info_is_not_a_junit_failure() -> None:
    root = ET.fromstring(
        render(OutputFormat.JUNIT, [finding(severity=Severity.INFO)], context=CONTEXT)
    )
    assert root.get("failures") == "0"
    assert root.find("testsuite/testcase/system-out") is not None


@pytest.mark.parametrize("color", [False, True])
def test_text_prints_bitbake_brackets_as_written(color: bool) -> None:
    f = finding(message="SRC_URI[sha256sum] and [/usr/bin] and [bold]x[/bold]")
    out = render(OutputFormat.TEXT, [f], context=replace(CONTEXT, color=color))
    assert "SRC_URI[sha256sum] and [/usr/bin] and [bold]x[/bold]" in out
    assert '"a [b]"' in out
    assert 'SRC_URI[sha256sum] = "x"' in out
    assert ("\x1b[" in out) is color


def test_colour_and_plain_text_say_the_same() -> None:
    import re

    f = finding()._replace(child=Side("a\tb [x]", "conf/local.conf:3"))
    plain = render(OutputFormat.TEXT, [f], context=CONTEXT)
    colour = render(OutputFormat.TEXT, [f], context=replace(CONTEXT, color=True))
    assert re.sub(r"\x1b\[[0-9;]*m", "", colour) == plain


@pytest.mark.parametrize("color", [False, True])
def test_text_never_sends_control_characters_to_the_terminal(color: bool) -> None:
    f = finding()._replace(child=Side("\x1b]0;pwned\x07\x1b[2J", "conf/local.conf:3"))
    out = render(OutputFormat.TEXT, [f], context=replace(CONTEXT, color=color))
    assert "\\x1b]0;pwned\\x07\\x1b[2J" in out
    assert "\x07" not in out and "\x1b]" not in out and "\x1b[2J" not in out


def test_text_does_not_wrap_long_values() -> None:
    long_value = "x" * 300
    f = finding()._replace(child=Side(long_value, "conf/local.conf:3"))
    out = render(OutputFormat.TEXT, [f], context=replace(CONTEXT, width=60))
    assert f'"{long_value}"' in out


def test_text_groups_by_severity_most_severe_first() -> None:
    findings = [finding(severity=s) for s in (Severity.INFO, Severity.ERROR, Severity.WARNING)]
    out = render(OutputFormat.TEXT, findings, context=CONTEXT)
    headings = [line for line in out.splitlines() if not line.startswith(" ")]
    assert headings == [
        "Errors (1)",
        "Warnings (1)",
        "Info (1)",
        "3 findings: 1 error, 1 warning, 1 info in 1 file.",
    ]


@pytest.mark.parametrize(
    ("isatty", "environ", "expected"),
    [
        (True, {}, True),
        (False, {}, False),
        (True, {"NO_COLOR": "1"}, False),
        (True, {"NO_COLOR": ""}, True),
        (False, {"FORCE_COLOR": "1"}, True),
        (True, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
    ],
)
def test_use_color(isatty: bool, environ: dict[str, str], expected: bool) -> None:
    assert text.use_color(isatty, environ) is expected


def test_machine_formats_do_not_import_rich() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from confdrift.report import OutputFormat, ReportContext, render\n"
        "for f in ('json', 'github', 'junit'):\n"
        "    render(OutputFormat(f), [], context=ReportContext())\n"
        "print('rich' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_order_counts_and_summary() -> None:
    a = finding(severity=Severity.INFO, line=1)
    b = finding(severity=Severity.ERROR, line=9)
    c = finding(severity=Severity.ERROR, line=2)
    assert ordered([a, b, c]) == [c, b, a]
    assert counts([a, b, c]) == {Severity.ERROR: 2, Severity.WARNING: 0, Severity.INFO: 1}
    assert summary_line([a]) == "1 finding: 0 errors, 0 warnings, 1 info"
    assert summary_line([]) == "No findings."
