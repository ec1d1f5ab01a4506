"""Findings of a kas child point at the kas YAML a user edits, not at generated files."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from confdrift.build.relocate import kas_map, relocate
from confdrift.cli import app
from confdrift.findings import Finding, Location, Severity, Side

runner = CliRunner()
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_generated_lines_move_to_the_yaml_line_that_wrote_them(tmp_path: Path) -> None:
    project = tmp_path / "p.yml"
    project.write_text('machine: qemuarm64\nlocal_conf_header:\n  x: |\n    A = "1"\n')
    local = str(tmp_path / "build" / "conf" / "local.conf")
    where = kas_map({local: 'MACHINE ??= "qemuarm64"\n\nA = "1"\nB = "2"\n'}, [project],
                    project)
    assert where.move(Location(local, 1)) == Location(str(project), 1)
    assert where.move(Location(local, 3)) == Location(str(project), 4)
    assert where.move(Location(local, 4)) == Location(str(project), 0)  # not in the YAML
    other = Location(str(tmp_path / "elsewhere.conf"), 2)
    assert where.move(other) == other
    finding = Finding("CD101", "signature-drift", Severity.ERROR, "m", Location(local, 3), "A",
                      Side("1", f"{local}:3", Location(local, 3)), Side("2", "parent:1"))
    (moved,) = relocate([finding], where)
    assert moved.location == Location(str(project), 4)
    assert moved.child is not None and moved.child.source == f"{project}:4"
    assert moved.parent == finding.parent


def test_a_kas_child_never_names_its_generated_local_conf() -> None:
    project = FIXTURES / "kas" / "basic" / "project.yml"
    result = runner.invoke(app, ["check", str(project), "--parent",
                                 str(FIXTURES / "drift" / "story" / "parent"),
                                 "--release", "scarthgap", "-f", "json"])
    findings = json.loads(result.stdout)["findings"]
    assert findings
    assert not any("build/conf/local.conf" in (f["file"] or "") for f in findings)
    machine = next(f for f in findings if f["variable"] == "MACHINE")
    assert (machine["file"].endswith("project.yml"), machine["line"]) == (True, 5)
