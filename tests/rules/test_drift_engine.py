"""The drift engine on whole builds: what is reported on its own and what is folded."""

from __future__ import annotations

import json
from pathlib import Path

from helpers.environment import shared_missing
from typer.testing import CliRunner

from confdrift.cli import app

runner = CliRunner()


def findings(tmp_path: Path, child: str, parent: str) -> list[dict[str, object]]:
    for side, text in (("child", child), ("parent", parent)):
        conf = tmp_path / side / "conf"
        conf.mkdir(parents=True, exist_ok=True)
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


def recipe_findings(tmp_path: Path, child: str, parent: str) -> list[dict[str, object]]:
    return [f for f in findings(tmp_path, BASE + child, BASE + parent)
            if f["rule"] == "recipe-scoped-drift"]


def test_a_recipe_variant_is_compared_by_its_effective_value(tmp_path: Path) -> None:
    assert recipe_findings(tmp_path, 'PACKAGECONFIG:pn-curl ?= "ssl"\n',
                           'PACKAGECONFIG:pn-curl = "ssl"\n') == []


def test_differing_recipe_variants_are_one_finding_with_both_values(tmp_path: Path) -> None:
    found = recipe_findings(tmp_path, 'PACKAGECONFIG:pn-busybox = "foo"\n',
                            'PACKAGECONFIG:pn-busybox = "bar"\n')
    assert len(found) == 1
    assert found[0]["child"]["value"] == "foo"  # type: ignore[index]
    assert found[0]["parent"]["value"] == "bar"  # type: ignore[index]
    assert found[0]["fix"] == 'PACKAGECONFIG:pn-busybox = "bar"'


def test_recipe_appends_are_compared_by_what_they_add_up_to(tmp_path: Path) -> None:
    split = 'PACKAGECONFIG:append:pn-qemu = " a"\nPACKAGECONFIG:append:pn-qemu = " b"\n'
    assert recipe_findings(tmp_path, split, split) == []
    found = recipe_findings(tmp_path, split, 'PACKAGECONFIG:append:pn-qemu = " a b"\n')
    assert found == []  # the same text appended, in one statement or two
    found = recipe_findings(tmp_path, 'PACKAGECONFIG:append:pn-qemu = " a"\n', split)
    assert [f["variable"] for f in found] == ["PACKAGECONFIG:append:pn-qemu"]


RELEASES = Path(__file__).resolve().parents[3] / "shared" / "releases"


def test_a_machine_with_the_same_tune_reaches_only_machine_specific_recipes(
    tmp_path: Path,
) -> None:
    release = RELEASES / "scarthgap"
    if not release.is_dir():
        shared_missing("release snapshots not available")
    layers = " ".join(str(release / p) for p in
                      ("openembedded-core/meta", "poky/meta-poky", "poky/meta-yocto-bsp"))
    for side, machine in (("child", "genericx86-64"), ("parent", "qemux86-64"),
                          ("other", "qemuarm64")):
        conf = tmp_path / side / "conf"
        conf.mkdir(parents=True)
        (conf / "bblayers.conf").write_text(f'BBLAYERS = "{layers}"\n')
        (conf / "local.conf").write_text(f'MACHINE = "{machine}"\nDISTRO = "poky"\n')

    def machine_finding(child: str) -> dict[str, object]:
        result = runner.invoke(app, ["check", str(tmp_path / child), "--parent",
                                     str(tmp_path / "parent"), "-f", "json"])
        found = [f for f in json.loads(result.stdout)["findings"] if f["variable"] == "MACHINE"]
        assert len(found) == 1, result.stdout
        return found[0]

    same_tune = machine_finding("child")  # both core2-64
    assert (same_tune["severity"], same_tune["scope"], same_tune["impact"]) == \
        ("warning", "machine-arch", None)
    other_tune = machine_finding("other")
    assert (other_tune["severity"], other_tune["scope"]) == ("error", "target")
