"""A missing `include` is skipped as BitBake skips it, and said: CD010, `show --verbose`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from confdrift.cli import app

runner = CliRunner()


def build(tmp_path: Path) -> Path:
    conf = tmp_path / "b" / "conf"
    conf.mkdir(parents=True)
    (conf / "extra.inc").write_text('EXTRA = "1"\n')
    (conf / "local.conf").write_text(
        'MACHINE = "qemux86-64"\ninclude extra.inc\ninclude my-sitee.inc\n')
    return conf.parent


def test_a_missing_include_in_the_users_file_is_cd010(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(build(tmp_path)), "--release", "scarthgap",
                                 "-f", "json"])
    found = [(f["code"], f["line"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [("CD010", 3)]
    assert result.exit_code == 0  # info: BitBake does not stop either


def test_show_verbose_lists_skipped_includes(tmp_path: Path) -> None:
    args = ["show", str(build(tmp_path)), "--release", "scarthgap", "--var", "EXTRA"]
    quiet = runner.invoke(app, args)
    loud = runner.invoke(app, [*args, "--verbose"])
    assert quiet.exit_code == loud.exit_code == 0
    assert 'EXTRA = "1"' in loud.stdout
    assert "my-sitee.inc" not in quiet.stderr
    assert "local.conf:3: include my-sitee.inc: not found" in loud.stderr


def test_an_include_cycle_stops_the_check_wherever_it_closes(tmp_path: Path) -> None:
    conf = build(tmp_path) / "conf"
    (conf / "local.conf").write_text('MACHINE = "qemux86-64"\ninclude local.conf\n')
    direct = runner.invoke(app, ["check", str(conf.parent), "--release", "scarthgap"])
    (conf / "local.conf").write_text('MACHINE = "qemux86-64"\nrequire a.inc\n')
    (conf / "a.inc").write_text("require b.inc\n")
    (conf / "b.inc").write_text("require a.inc\n")
    indirect = runner.invoke(app, ["check", str(conf.parent), "--release", "scarthgap"])
    for result in (direct, indirect):
        assert result.exit_code == 2
        assert "include cycle" in result.stderr
