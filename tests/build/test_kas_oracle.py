"""Differential test against kas's own code, when the ``kas`` package is importable.

kas (MIT) is only used here as an oracle: its ``Config`` merges the files and its
``WriteBBConfig`` writes local.conf/bblayers.conf into a temporary build directory; confdrift
must produce the same bytes. Repositories are never fetched: only those already on disk are
handed to kas's include resolution, as confdrift does. Measured with kas 5.4 (81bab529).
"""

from __future__ import annotations

import argparse
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.environment import require_module

from confdrift.build.kas import load_kas
from confdrift.errors import InputError

REPO = Path(__file__).resolve().parents[2]
SOURCES = [REPO / "fixtures" / "kas", REPO / "../shared/corpus/layers/kas"]


def _projects() -> list[Path]:
    found = []
    for root in SOURCES:
        if root.is_dir():
            found += sorted(p for p in root.rglob("*") if p.suffix in (".yml", ".yaml", ".json"))
    return [p for p in found if ".lock." not in p.name and p.parent.name != "errors"]


def _kas_texts(kas: Any, top: Path) -> tuple[str, str]:
    ctx = kas.context.create_global_context(argparse.Namespace(update=False))
    ctx.config = kas.config.Config(ctx, str(top))
    ctx.config.find_missing_repos()
    for _ in range(3):  # kas resolves repo includes over passes; we never fetch
        paths = {}
        for name in ctx.config.get_repos_config():
            repo = ctx.config.get_repo(name)
            if Path(repo.path).is_dir():
                paths[name] = repo.path
        ctx.config.find_missing_repos(paths)
    kas.libcmds.WriteBBConfig().execute(ctx)
    conf = Path(ctx.build_dir) / "conf"
    return (conf / "local.conf").read_text(), (conf / "bblayers.conf").read_text()


@pytest.fixture(autouse=True)
def _quiet_kas() -> Iterator[None]:
    # kas logs freely; silence it here only: BitBake's oracle tests read their log records.
    logging.disable(logging.CRITICAL)
    yield
    logging.disable(logging.NOTSET)


@pytest.mark.parametrize("project", _projects(), ids=lambda p: "/".join(p.parts[-3:]))
def test_same_text_as_kas(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kas = require_module("kas")
    for module in ("kas.context", "kas.config", "kas.libcmds"):
        require_module(module)
    work = tmp_path / "w"
    shutil.copytree(project.parent, work)
    top = work / project.name
    for name in ("KAS_MACHINE", "KAS_DISTRO", "KAS_TARGET", "KAS_BUILD_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KAS_WORK_DIR", str(work))
    monkeypatch.chdir(work)
    try:
        expected: tuple[str, str] | None = _kas_texts(kas, top)
    except Exception as exc:  # kas's own user errors; unsupported repo types (hg) included
        if "hg is required" in str(exc):
            pytest.skip("kas needs hg for this file")
        expected = None
    try:
        config = load_kas(top, work_dir=work)
        ours: tuple[str, str] | None = (config.local_conf, config.bblayers_conf)
    except InputError:
        ours = None
    assert ours == expected  # both texts equal, or both refused
