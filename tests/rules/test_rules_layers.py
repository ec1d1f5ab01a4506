"""CD2xx: layer set, layer revision and release drift, compared by collection name."""

from __future__ import annotations

from pathlib import Path

from helpers.rulehelp import DictConfig, codes

from confdrift.build.layers import Collection, GitInfo, LayerInfo
from confdrift.build.view import ResolvedBuild
from confdrift.findings import Finding
from confdrift.rules import all_rules
from confdrift.rules.base import RuleContext


def layer(path: str, name: str, commit: str | None = None) -> LayerInfo:
    git = GitInfo(Path(path), commit) if commit else None
    return LayerInfo(Path(path), True, True, (Collection(name),), git=git)


def build(*layers: LayerInfo, release: str | None = "scarthgap") -> ResolvedBuild:
    return ResolvedBuild("b", DictConfig({}), layers=layers, release=release,
                     local_conf="conf/local.conf")


def layer_findings(child: ResolvedBuild, parent: ResolvedBuild) -> list[Finding]:
    ctx = RuleContext(child, parent)
    rules = [r for r in all_rules() if r.code.startswith("CD2") and r.check]
    return [f for r in rules for f in r.check(ctx)]  # type: ignore[misc]


CORE = layer("/a/poky/meta", "core", "1" * 40)
POKY = layer("/a/poky/meta-poky", "yocto", "1" * 40)


def test_same_layers_elsewhere_are_the_same_layers() -> None:
    moved = (layer("/b/meta", "core", "1" * 40), layer("/b/meta-poky", "yocto", "1" * 40))
    assert layer_findings(build(CORE, POKY), build(*moved)) == []


def test_missing_and_extra_collections() -> None:
    found = layer_findings(build(CORE, layer("/x/meta-oe", "openembedded-layer")),
                           build(CORE, POKY))
    assert codes(found) == ["CD201", "CD201"]
    assert {f.fix for f in found} == {"bitbake-layers add-layer /a/poky/meta-poky",
                                      "bitbake-layers remove-layer /x/meta-oe"}


def test_revision_drift_names_both_commits() -> None:
    other = layer("/b/meta", "core", "2" * 40)
    (found,) = layer_findings(build(CORE), build(other))
    assert found.code == "CD202"
    assert found.child and found.child.value == "1" * 40
    assert found.fix == f"git -C /a/poky/meta checkout {'2' * 40}"


def test_unknown_revision_is_not_drift() -> None:
    assert layer_findings(build(layer("/a/meta", "core")), build(CORE)) == []


def test_release_drift() -> None:
    found = layer_findings(build(CORE, release="kirkstone"), build(CORE))
    assert codes(found) == ["CD203"]
