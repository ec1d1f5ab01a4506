"""The exit-code contract as a real process sees it, and the pre-commit hook end to end."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.environment import require_module

REPO = Path(__file__).resolve().parents[2]

# Runs the console script's main(); FAKE_ENGINE (Python source) replaces confdrift.check.engine.
LAUNCHER = """\
import os, sys, types
source = os.environ.get("FAKE_ENGINE")
if source:
    engine = types.ModuleType("confdrift.check.engine")
    exec(source, engine.__dict__)
    sys.modules["confdrift.check.engine"] = engine
sys.argv[0] = "confdrift"
from confdrift.cli import main
main()
"""

FINDINGS = """\
from confdrift.findings import Finding, Location, Severity
def check_builds(children, parent, settings):
    return [Finding("CD101", "package-classes-drift", Severity.ERROR, "differs",
                    Location(children[0], 1), "PACKAGE_CLASSES")]
"""
CRASH = "def check_builds(children, parent, settings):\n    raise ZeroDivisionError('boom')\n"


def confdrift(*args: str, cwd: Path, engine: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "FAKE_ENGINE"}
    if engine is not None:
        env["FAKE_ENGINE"] = engine
    return subprocess.run(
        [sys.executable, "-c", LAUNCHER, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("args", "engine", "config", "code"),
    [
        (["--version"], None, None, 0),
        (["check", "local.conf", "-f", "json"], FINDINGS, None, 1),
        (["check", "local.conf", "--fail-on", "error"], "def check_builds(*a): return []", None, 0),
        (["check", "local.conf", "--bogus"], FINDINGS, None, 2),
        (["check", "local.conf"], FINDINGS, 'limits = "x"\n', 2),
        (["check", "local.conf"], CRASH, None, 3),
    ],
)
def test_exit_codes(
    tmp_path: Path, args: list[str], engine: str | None, config: str | None, code: int
) -> None:
    (tmp_path / "local.conf").write_text('PACKAGE_CLASSES = "package_rpm"\n')
    if config is not None:
        (tmp_path / ".confdrift.toml").write_text(config)
    result = confdrift(*args, cwd=tmp_path, engine=engine)
    assert result.returncode == code, result.stderr
    if code == 3:
        assert "ZeroDivisionError" in result.stderr
        assert "Traceback" not in result.stderr


def test_json_on_stdout_and_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "local.conf").write_text("A = '1'\n")
    result = confdrift("check", "local.conf", "-f", "json", cwd=tmp_path, engine=FINDINGS)
    assert json.loads(result.stdout)["findings"][0]["file"] == "local.conf"
    assert result.stderr == ""


def test_show_json_shape(tmp_path: Path) -> None:
    conf = tmp_path / "local.conf"
    conf.write_text('MACHINE ?= "qemuarm"\nMACHINE = "qemux86-64"\nSRC_URI[sha256sum] = "ab"\n')
    result = confdrift("show", "local.conf", "--var", "MACHINE", "-f", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["files"] == ["local.conf"]
    machine = doc["variables"]["MACHINE"]
    assert (machine["value"], machine["evaluated"]) == ("qemux86-64", True)
    assert [(h["line"], h["op"], h["value"]) for h in machine["history"]] == [
        (1, "?=", "qemuarm"),
        (2, "=", "qemux86-64"),
    ]


def test_show_of_a_missing_file_is_exit_2(tmp_path: Path) -> None:
    result = confdrift("show", "missing.conf", cwd=tmp_path)
    assert result.returncode == 2
    assert "missing.conf" in result.stderr


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_pre_commit_hook_runs_confdrift_on_conf_files(tmp_path: Path) -> None:
    """One `pre-commit try-repo` run (it builds a virtualenv, so this test takes ~45 s)."""
    require_module("pre_commit")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    project = tmp_path / "project"
    (project / "conf").mkdir(parents=True)
    (project / "parent").mkdir()
    # The story: the child says package_ipk, the poky parent gets package_rpm from poky.conf.
    (project / "conf" / "local.conf").write_text(
        'DISTRO ?= "poky"\nPACKAGE_CLASSES ?= "package_ipk"\n')
    (project / "parent" / "local.conf").write_text('DISTRO ?= "poky"\n')
    # The build's bblayers.conf is part of the same build, checked once with it; a layer's
    # layer.conf is not a build at all.
    (project / "conf" / "bblayers.conf").write_text('BBLAYERS = "/srv/poky/meta"\n')
    (project / "meta-x" / "conf" / "machine").mkdir(parents=True)
    (project / "meta-x" / "conf" / "layer.conf").write_text('BBFILE_COLLECTIONS += "x"\n')
    (project / "meta-x" / "conf" / "machine" / "m.conf").write_text('A = "unquoted\n')
    (project / "README.md").write_text("not a conf file\n")
    # The parent comes from the configuration file, found from the repository root.
    (project / ".confdrift.toml").write_text(
        'parent = "parent/local.conf"\nrelease = "scarthgap"\n')
    git("init", "-q", cwd=project)
    git("add", ".", cwd=project)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "confdrift", "--all-files"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    if "Could not find a version" in output or "No matching distribution" in output:
        pytest.skip("the hook's dependencies cannot be installed here (no package index)")
    assert result.returncode == 1, output
    assert "confdrift" in output and "Failed" in output
    assert "CD103" in output and 'PACKAGE_CLASSES = "package_rpm"' in output
    # Only the build's own files are checked: the machine file's syntax error is not.
    assert "m.conf" not in output
    assert output.count("CD103") == 1 and "layer.conf" not in output
