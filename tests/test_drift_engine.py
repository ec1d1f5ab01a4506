"""The drift engine on whole builds: what is reported on its own and what is folded."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from confdrift.cli import app

runner = CliRunner()


def findings(tmp_path: Path, child: str, parent: str) -> list[dict[str, object]]:
    for side, text in (("child", child), ("parent", parent)):
        conf = tmp_path / side / "conf"
        conf.mkdir(parents=True)
        (conf / "local.conf").write_text(text)
    result = runner.invoke(app, ["check", str(tmp_path / "child"), "--parent",
                                 str(tmp_path / "parent"), "--release", "scarthgap",
                                 "-f", "json"])
    assert result.exit_code in (0, 1), result.output
    found: list[dict[str, object]] = json.loads(result.stdout)["findings"]
    return found


BASE = 'MACHINE ??= "qemux86-64"\nDISTRO ?= "poky"\n'


def test_a_users_unknown_variable_is_never_folded_into_another_finding(tmp_path: Path) -> None:
    child = BASE + 'DEBUG_BUILD = "1"\nMY_CUSTOM_VAR = "x"\n'
    found = findings(tmp_path, child, BASE)
    by_variable = {f["variable"]: f for f in found}
    assert by_variable["MY_CUSTOM_VAR"]["rule"] == "unknown-impact-drift"
    assert "MY_CUSTOM_VAR" not in str(by_variable["DEBUG_BUILD"]["message"])


def test_what_the_machine_selects_is_folded_into_machine(tmp_path: Path) -> None:
    found = findings(tmp_path, BASE.replace("qemux86-64", "qemuarm64"), BASE)
    variables = [f["variable"] for f in found if f["severity"] != "info"]
    assert "MACHINE" in variables
    assert "TUNE_FEATURES" not in variables  # the tune is the machine's, not a second cause
