"""The JUnit XML format, for GitLab and Jenkins test reports.

One ``<testcase>`` per finding (classname: the file, name: code and variable) with a
``<failure>`` (errors and warnings) or a ``<system-out>`` note (info); a checked file
without findings becomes one passing testcase so that the report shows what was checked.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from confdrift.findings import Finding, Severity
from confdrift.report.common import ReportContext, details, relative_path

# Characters XML 1.0 cannot carry at all, even escaped.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render(findings: Sequence[Finding], *, context: ReportContext) -> str:
    """The JUnit document for ``findings``."""
    failures = sum(1 for f in findings if f.severity is not Severity.INFO)
    suite = ET.Element("testsuite", name="confdrift", failures=str(failures), errors="0")
    for f in findings:
        suite.append(_testcase(f, context))
    for name in _clean_files(findings, context):
        ET.SubElement(suite, "testcase", classname=name, name="confdrift")
    suite.set("tests", str(len(suite)))
    root = ET.Element("testsuites", name="confdrift", tests=suite.get("tests", "0"))
    root.set("failures", str(failures))
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _testcase(f: Finding, context: ReportContext) -> ET.Element:
    where = relative_path(f.location.file, context.root) if f.location else "build"
    name = f"{f.code} {f.rule}" + (f" {f.variable}" if f.variable else "")
    case = ET.Element("testcase", classname=_xml(where), name=_xml(name))
    line = f":{f.location.line}" if f.location and f.location.line else ""
    text = _xml(details(f) + (f"\nat {where}{line}" if f.location else ""))
    if f.severity is Severity.INFO:
        ET.SubElement(case, "system-out").text = text
    else:
        failure = ET.SubElement(case, "failure", type=f.severity.value, message=_xml(f.message))
        failure.text = text
    return case


def _clean_files(findings: Sequence[Finding], context: ReportContext) -> list[str]:
    dirty = {relative_path(f.location.file, context.root) for f in findings if f.location}
    names = (relative_path(p, context.root) for p in context.files)
    return [_xml(n) for n in dict.fromkeys(names) if n not in dirty]


def _xml(text: str) -> str:
    return _ILLEGAL_XML.sub("\ufffd", text)
