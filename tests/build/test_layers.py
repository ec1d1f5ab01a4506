"""Layer descriptions: layer.conf identity (checked against BitBake) and git commits."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers.environment import require_bitbake

from confdrift.build.layers import Collection, describe_layer, describe_layers, git_info

REPO = Path(__file__).resolve().parents[2]
SHARED = (REPO / "../shared").resolve()
GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git not installed")


def _layer(root: Path, text: str) -> Path:
    (root / "conf").mkdir(parents=True)
    (root / "conf" / "layer.conf").write_text(text)
    return root


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'BBFILE_COLLECTIONS += "a"\nBBFILE_PRIORITY_a = "6"\n'
            'LAYERSERIES_COMPAT_a = "scarthgap styhead"\nLAYERVERSION_a = "2"\n'
            'LAYERDEPENDS_a = "core (>= 12)  b"\n',
            (Collection("a", "6", ("scarthgap", "styhead"), "2", "core (>= 12) b"),),
        ),
        # Two collections, continuation lines, a comment and an :append.
        (
            '# comment\nBBFILE_COLLECTIONS += "x \\\n    y"\nBBFILE_PRIORITY_y ?= "3"\n'
            'LAYERSERIES_COMPAT_x = "kirkstone"\nLAYERSERIES_COMPAT_x:append = " scarthgap"\n',
            (Collection("x", None, ("kirkstone", "scarthgap")), Collection("y", "3")),
        ),
        # A variable from the same file is expanded; ?= does not replace.
        (
            'C = "m"\nBBFILE_COLLECTIONS = "${C}"\nBBFILE_PRIORITY_m = "1"\n'
            'BBFILE_PRIORITY_m ?= "9"\n',
            (Collection("m", "1"),),
        ),
        ("", ()),
    ],
)
def test_collections_from_layer_conf(
    tmp_path: Path, text: str, expected: tuple[Collection, ...]
) -> None:
    info = describe_layer(_layer(tmp_path / "meta-a", text))
    assert info.exists and info.has_layer_conf
    assert info.collections == expected


@pytest.mark.parametrize(
    ("setup", "exists", "has_conf"),
    [("missing", False, False), ("no-conf", True, False), ("trailing-slash", True, True)],
)
def test_layer_presence(tmp_path: Path, setup: str, exists: bool, has_conf: bool) -> None:
    layer = tmp_path / "meta-x"
    if setup == "no-conf":
        layer.mkdir()
    if setup == "trailing-slash":
        _layer(layer, 'BBFILE_COLLECTIONS += "x"\n')
    (info,) = describe_layers([f"{layer}/"])
    assert (info.path, info.exists, info.has_layer_conf) == (layer, exists, has_conf)


def test_unreadable_layer_conf_is_reported(tmp_path: Path) -> None:
    layer = _layer(tmp_path / "meta-bin", "")
    (layer / "conf" / "layer.conf").write_bytes(b"\xff\xfe\x00")
    info = describe_layer(layer)
    assert info.error is not None and "layer.conf" in info.error


# --- the release layers and the corpus, against BitBake -------------------------------------


def _releases() -> list[Path]:
    releases = SHARED / "releases"
    return sorted(p for p in releases.iterdir() if p.is_dir()) if releases.is_dir() else []


@pytest.mark.parametrize("release", _releases(), ids=lambda p: p.name)
def test_release_layers_are_compatible_with_their_core(release: Path) -> None:
    # BitBake's check: every layer's LAYERSERIES_COMPAT shares a name with the core's
    # LAYERSERIES_CORENAMES; the release's own name is among them (master: the next one).
    core, *others = describe_layers(
        [
            release / "openembedded-core/meta",
            release / "poky/meta-poky",
            release / "poky/meta-yocto-bsp",
        ]
    )
    assert core.names == ("core",) and core.collections[0].priority == "5"
    assert release.name in core.corenames or release.name == "master"
    assert [o.names for o in others] == [("yocto",), ("yoctobsp",)]
    for layer in (core, *others):
        assert set(layer.collections[0].series_compat) & set(core.corenames)


def _bb() -> Any:
    return require_bitbake()


def _bitbake_view(conf: Path, tmp_path: Path) -> tuple[tuple[str, ...], dict[str, tuple[Any, ...]]]:
    bb = _bb()
    # addpylib would import the layer's Python package; it says nothing about identity.
    copy = tmp_path / "oracle" / "conf" / "layer.conf"
    copy.parent.mkdir(parents=True)
    text = conf.read_text(encoding="utf-8")
    copy.write_text(re.sub(r"(?m)^addpylib .*$", "", text), encoding="utf-8")
    d = bb.data.init()
    layerdir = str(conf.parent.parent)
    d.setVar("LAYERDIR", layerdir)
    d.setVar("LAYERDIR_RE", re.escape(layerdir))
    d.setVar("PATH", os.environ.get("PATH", "/usr/bin"))
    bb.parse.handle(str(copy), d, True)
    names = tuple(dict.fromkeys((d.getVar("BBFILE_COLLECTIONS") or "").split()))
    fields = ("BBFILE_PRIORITY", "LAYERSERIES_COMPAT", "LAYERVERSION")
    return names, {n: tuple(d.getVar(f"{f}_{n}") for f in fields) for n in names}


def _corpus_layer_confs() -> list[Path]:
    roots = [SHARED / "corpus" / "layers", SHARED / "releases"]
    return sorted(p for r in roots if r.is_dir() for p in r.rglob("conf/layer.conf"))


@pytest.mark.parametrize("conf", _corpus_layer_confs(), ids=lambda p: "/".join(p.parts[-5:-2]))
def test_layer_conf_identity_agrees_with_bitbake(conf: Path, tmp_path: Path) -> None:
    names, fields = _bitbake_view(conf, tmp_path)
    info = describe_layer(conf.parent.parent)
    assert info.names == names
    for c in info.collections:
        compat = " ".join(c.series_compat) or None
        assert (c.priority, compat, c.version) == tuple(
            None if v is None else " ".join(v.split()) for v in fields[c.name]
        )


# --- git ------------------------------------------------------------------------------------


def _git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@e",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@e",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    _layer(repo / "meta-a", 'BBFILE_COLLECTIONS += "a"\n')
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "one")
    return repo


@needs_git
@pytest.mark.parametrize("state", ["branch", "packed", "detached", "worktree", "nested-ref"])
def test_git_commit_of_a_layer(checkout: Path, tmp_path: Path, state: str) -> None:
    layer, branch = checkout / "meta-a", "main"
    if state == "packed":
        _git(checkout, "pack-refs", "--all")
        assert not (checkout / ".git" / "refs" / "heads" / "main").exists()
    if state == "detached":
        _git(checkout, "checkout", "-q", "--detach")
        branch = None
    if state == "worktree":
        _git(checkout, "commit", "-q", "--allow-empty", "-m", "two")
        _git(checkout, "worktree", "add", "-q", "-b", "wt", str(tmp_path / "wt"), "HEAD~1")
        layer, branch = tmp_path / "wt" / "meta-a", "wt"
    if state == "nested-ref":
        _git(checkout, "checkout", "-q", "-b", "feature/x")
        branch = "feature/x"
    info = describe_layer(layer)
    assert info.git is not None
    expected = _git(layer, "rev-parse", "HEAD")
    assert (info.git.commit, info.git.branch) == (expected, branch)
    assert info.git.root == layer.parent


@needs_git
def test_unborn_branch_has_no_commit(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q", "-b", "main")
    info = git_info(tmp_path)
    assert info is not None and (info.commit, info.branch) == (None, "main")


def test_outside_git_there_is_no_git_info(tmp_path: Path) -> None:
    assert git_info(tmp_path) is None
