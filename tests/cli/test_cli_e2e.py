"""confdrift check with the real engine: drift found, drift suppressed, suppressions unused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from confdrift.cli import app

runner = CliRunner()
PARENT = 'MACHINE = "qemux86-64"\nPACKAGE_CLASSES = "package_ipk"\n'


def check(tmp_path: Path, child: str, *args: str) -> tuple[int, list[tuple[str, str | None]]]:
    (tmp_path / "parent.conf").write_text(PARENT)
    (tmp_path / "local.conf").write_text(child)
    result = runner.invoke(
        app,
        ["check", str(tmp_path / "local.conf"), "--parent", str(tmp_path / "parent.conf"),
         "-f", "json", "--release", "scarthgap", *args],
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    findings = json.loads(result.stdout)["findings"]
    return result.exit_code, [(f["rule"], f["variable"]) for f in findings]


def test_identical_builds_are_clean(tmp_path: Path) -> None:
    assert check(tmp_path, PARENT) == (0, [])


def test_package_classes_drift_fails(tmp_path: Path) -> None:
    code, found = check(tmp_path, PARENT.replace("package_ipk", "package_rpm"))
    assert code == 1
    assert ("package-classes-drift", "PACKAGE_CLASSES") in found


@pytest.mark.parametrize("entry", ["package-classes-drift", "CD1", ""])
def test_suppression_above_the_assignment(tmp_path: Path, entry: str) -> None:
    directive = f"# confdrift: ignore[{entry}]" if entry else "# confdrift: ignore"
    child = f'MACHINE = "qemux86-64"\n{directive}\nPACKAGE_CLASSES = "package_rpm"\n'
    assert check(tmp_path, child) == (0, [])


def test_unused_suppression_is_a_warning(tmp_path: Path) -> None:
    child = "# confdrift: ignore[package-classes-drift]\n" + PARENT  # nothing to suppress
    assert check(tmp_path, child) == (0, [("unused-suppression", None)])
    assert check(tmp_path, child, "--fail-on", "warning")[0] == 1
    assert check(tmp_path, child, "--ignore", "unused-suppression") == (0, [])
