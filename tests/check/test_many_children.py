"""Many children against one parent: the parent is resolved once, no child's resolved build
outlives its check, and ``--jobs N`` prints exactly what a serial run prints.
"""

from __future__ import annotations

import gc
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers.environment import shared_missing
from typer.testing import CliRunner

from confdrift.build import resolve
from confdrift.build.view import ResolvedBuild
from confdrift.check import engine, parallel
from confdrift.cli import app

runner = CliRunner()
USERS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "users"
#: Corpus files that resolve alone (others require files only their own tree has).
CHOSEN = (
    "0x000000FF__yocto-edison-meta/build/conf/local.conf",
    "AndreiCherniaev__stm32mp1_scarthgap/build/conf/local.conf",
    "ChristopherJD__raspberrypi_conf/conf/local.conf",
    "DrSanchez__jetsontk1-yocto/conf/local.conf",
    "PelionIoT__mbl-config/local.conf",
    "syssi__squeezeos/poky/build/conf/local.conf",
)


@pytest.fixture
def children(tmp_path: Path) -> list[str]:
    sources = [USERS / name for name in CHOSEN if (USERS / name).is_file()]
    if len(sources) < 3:
        shared_missing("the shared corpus is absent")
    out = []
    for i in range(12):
        conf = tmp_path / f"child{i:02d}" / "conf"
        conf.mkdir(parents=True)
        shutil.copyfile(sources[i % len(sources)], conf / "local.conf")
        out.append(str(conf / "local.conf"))
    return out


def test_the_parent_is_resolved_once(children: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = resolve.resolve_build

    def counting(named: str, settings: Any = None) -> ResolvedBuild:
        seen.append(named)
        return real(named, settings)

    monkeypatch.setattr(resolve, "resolve_build", counting)
    engine.check_builds(children[1:], children[0], None)
    assert seen.count(children[0]) == 1
    assert sorted(seen[1:]) == sorted(children[1:])


def test_no_child_view_outlives_the_check(children: list[str]) -> None:
    findings = engine.check_builds(children, None, None)
    gc.collect()
    alive = [o for o in gc.get_objects() if isinstance(o, ResolvedBuild)]
    assert findings and alive == []


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_jobs_output_is_identical_to_a_serial_run(children: list[str], fmt: str) -> None:
    args = ["check", *children[1:], "--parent", children[0], "--format", fmt]
    serial = runner.invoke(app, args)
    parallel_run = runner.invoke(app, [*args, "--jobs", "3"])
    assert serial.exit_code == parallel_run.exit_code == 1
    assert parallel_run.stdout == serial.stdout


def test_jobs_report_the_same_first_error(children: list[str], tmp_path: Path) -> None:
    broken = tmp_path / "broken" / "conf"
    broken.mkdir(parents=True)
    (broken / "local.conf").write_bytes(b'A = "\xff"\n')
    mixed = [*children[1:5], str(broken / "local.conf"), *children[5:]]
    args = ["check", *mixed, "--parent", children[0]]
    serial = runner.invoke(app, args)
    parallel_run = runner.invoke(app, [*args, "-j", "2"])
    assert serial.exit_code == parallel_run.exit_code == 2
    assert parallel_run.stderr == serial.stderr
    assert "0xff" in serial.stderr


def test_parallel_findings_equal_serial_findings(children: list[str]) -> None:
    serial = engine.check_builds(children[1:], children[0], None)
    assert parallel.check_builds(children[1:], children[0], None, jobs=2) == serial
