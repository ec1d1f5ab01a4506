"""--fix with the real engine on every drift scenario: a second run changes nothing, the
first run's backup survives it, and the fixed child has no warning or error left."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from confdrift.cli import app

runner = CliRunner()
SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures" / "drift"


def check(root: Path, *extra: str) -> list[dict[str, object]]:
    args = ["check", str(root / "child"), "--parent", str(root / "parent"),
            "--config", str(root / "scenario.toml"), "-f", "json", *extra]
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    findings: list[dict[str, object]] = json.loads(result.stdout)["findings"]
    return findings


@pytest.mark.parametrize("name", sorted(p.name for p in SCENARIOS.iterdir() if p.is_dir()))
def test_fix_twice_changes_nothing_the_second_time(tmp_path: Path, name: str) -> None:
    root = tmp_path / name
    shutil.copytree(SCENARIOS / name, root)
    local = root / "child" / "conf" / "local.conf"
    original = local.read_bytes()
    check(root, "--fix")
    once = local.read_bytes()
    check(root, "--fix")
    assert local.read_bytes() == once
    backup = local.with_name("local.conf.orig")
    assert not backup.exists() or backup.read_bytes() == original
    # The fixed child checked again: nothing left at warning or error.
    left = [(f["code"], f["variable"]) for f in check(root) if f["severity"] != "info"]
    assert left == []
