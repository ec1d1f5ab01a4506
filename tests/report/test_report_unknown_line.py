"""A finding whose line is unknown (a whole file, a build-wide fact) never shows line 0."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from confdrift.findings import Finding, Location, Severity
from confdrift.report import OutputFormat, ReportContext, render

ROOT = Path("/nonexistent/project")
CONTEXT = ReportContext(root=ROOT, files=("conf/local.conf",), version="1.2.3")


def _finding(location: Location | None) -> Finding:
    return Finding("CD301", "hashserve-upstream-missing", Severity.ERROR, "no route", location,
                   "BB_HASHSERVE_UPSTREAM")


CASES = [
    # (location, the JSON file, the JSON line)
    (Location("conf/local.conf", 12), "conf/local.conf", 12),
    (Location("conf/local.conf"), "conf/local.conf", None),
    (Location("conf/local.conf", 0, 5), "conf/local.conf", None),
    (None, None, None),
]


@pytest.mark.parametrize(("location", "file", "line"), CASES)
def test_json_line_is_an_int_or_null(location: Location | None, file: str | None,
                                     line: int | None) -> None:
    (item,) = json.loads(render(OutputFormat.JSON, [_finding(location)], context=CONTEXT))[
        "findings"]
    assert (item["file"], item["line"]) == (file, line)
    assert item["line"] is None or (isinstance(item["line"], int) and item["line"] >= 1)


@pytest.mark.parametrize(("location", "file", "line"), CASES)
def test_sarif_region_only_with_a_real_line(location: Location | None, file: str | None,
                                            line: int | None) -> None:
    log: dict[str, Any] = json.loads(
        render(OutputFormat.SARIF, [_finding(location)], context=CONTEXT))
    (result,) = log["runs"][0]["results"]
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "conf/local.conf"
    if line is None:
        assert "region" not in physical
    else:
        assert physical["region"] == {"startLine": line}


@pytest.mark.parametrize(("location", "file", "line"), CASES)
def test_github_line_property_only_with_a_real_line(location: Location | None,
                                                    file: str | None, line: int | None) -> None:
    annotation = render(OutputFormat.GITHUB, [_finding(location)], context=CONTEXT).splitlines()[0]
    assert "line=0" not in annotation
    assert ("line=" in annotation) == (line is not None)


@pytest.mark.parametrize(("location", "file", "line"), CASES)
def test_junit_stays_well_formed(location: Location | None, file: str | None,
                                 line: int | None) -> None:
    root = ET.fromstring(render(OutputFormat.JUNIT, [_finding(location)], context=CONTEXT)
                         .split("\n", 1)[1])
    assert root.get("failures") == "1"
