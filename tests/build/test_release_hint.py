"""Which release a build without its layers is: given, inferred from hints, or unknown."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from confdrift.build.chain import load_build_info
from confdrift.build.inputs import classify
from confdrift.build.release_hint import infer
from confdrift.cli import app

runner = CliRunner()
LOCAL = 'MACHINE = "qemux86-64"\nDISTRO = "poky"\n'


def build(tmp_path: Path, layers: str | None) -> Path:
    conf = tmp_path / "build" / "conf"
    conf.mkdir(parents=True)
    (conf / "local.conf").write_text(LOCAL)
    if layers is not None:
        (conf / "bblayers.conf").write_text(f'BBLAYERS = "{layers}"\n')
    return conf.parent


def rules(path: Path, *args: str) -> dict[str, str]:
    result = runner.invoke(app, ["check", str(path), "-f", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return {f["rule"]: f["message"] for f in json.loads(result.stdout)["findings"]}


def test_layer_paths_naming_one_release_give_it_and_say_so(tmp_path: Path) -> None:
    path = build(tmp_path, "/srv/poky-scarthgap/meta /srv/poky-scarthgap/meta-poky")
    config, how = load_build_info(path)
    assert (how.release, config.get("PACKAGE_CLASSES")) == ("scarthgap", "package_rpm")
    assert "poky-scarthgap" in how.inferred_from
    found = rules(path)
    assert "release-inferred" in found and "release-unknown" not in found


def test_a_given_release_is_not_reported(tmp_path: Path) -> None:
    path = build(tmp_path, "/srv/poky-scarthgap/meta")
    assert not {"release-inferred", "release-unknown"} & set(rules(path, "--release", "styhead"))


def test_no_hint_is_a_warning_and_no_defaults(tmp_path: Path) -> None:
    path = build(tmp_path, None)
    config, how = load_build_info(path)
    assert how.release is None and config.get("PACKAGE_CLASSES") is None
    assert "--release" in rules(path)["release-unknown"]


def test_paths_naming_two_releases_decide_nothing(tmp_path: Path) -> None:
    path = build(tmp_path, "/srv/kirkstone/meta /srv/scarthgap/meta-poky")
    assert load_build_info(path)[1].release is None


def test_master_is_not_read_from_a_path(tmp_path: Path) -> None:
    assert infer(classify(build(tmp_path, None)), ["/home/master/poky/meta"]) is None


def test_kas_branches_name_the_release() -> None:
    inp = classify(Path("fixtures/kas/include/kas/base.yml").resolve())
    hint = infer(inp, [])
    assert hint is not None and hint.release == "scarthgap"


def test_an_unmeasured_machine_is_said_and_its_values_left_unknown(tmp_path: Path) -> None:
    path = build(tmp_path, None)
    (path / "conf" / "local.conf").write_text('MACHINE = "qemuarm"\nDISTRO = "poky"\n')
    config, how = load_build_info(path, release="scarthgap")
    assert config.get("TARGET_ARCH") is None  # not the no-machine "INVALID"
    assert config.get("PACKAGE_CLASSES") == "package_rpm"  # the distro's is still known
    assert any("qemuarm" in gap for gap in how.profile_gaps)
    assert "qemuarm" in rules(path, "--release", "scarthgap")["release-profile-gap"]


def test_an_unmeasured_distro_is_said(tmp_path: Path) -> None:
    path = build(tmp_path, None)
    (path / "conf" / "local.conf").write_text('MACHINE = "qemux86-64"\nDISTRO = "mydistro"\n')
    assert "mydistro" in rules(path, "--release", "scarthgap")["release-profile-gap"]
