"""The generated release lists (ignore_vars.toml) against BitBake reading the same files."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from helpers import oracle_baseconfig as oracle
from helpers.environment import shared_missing

from confdrift.knowledge import knowledge

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "gen_ignore_vars.py"
PACKAGED = REPO / "confdrift" / "knowledge" / "ignore_vars.toml"
LISTS = {
    "BB_BASEHASH_IGNORE_VARS": "basehash_ignore_vars",
    "BB_HASHCONFIG_IGNORE_VARS": "hashconfig_ignore_vars",
    "BB_SIGNATURE_EXCLUDE_FLAGS": "signature_exclude_flags",
}


def _needs_releases() -> None:
    if not oracle.RELEASES_DIR.is_dir():
        shared_missing("shared/releases not available")


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_ignore_vars", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_packaged_lists_are_what_the_script_generates(tmp_path: Path) -> None:
    _needs_releases()
    out = tmp_path / "ignore_vars.toml"
    assert _script().main(["gen", str(oracle.RELEASES_DIR), str(out)]) == 0
    assert out.read_text(encoding="utf-8") == PACKAGED.read_text(encoding="utf-8"), (
        "ignore_vars.toml is stale: run python scripts/gen_ignore_vars.py")


def _bitbake_view(release: str, tmp_path: Path) -> Any:
    build = oracle.make_build(tmp_path, release, "", poky_layers=False)
    return oracle.base_config(build, release).data


@pytest.mark.parametrize("release", oracle.RELEASES)
def test_lists_match_bitbake_parsing_bitbake_conf(release: str, tmp_path: Path) -> None:
    _needs_releases()
    data = _bitbake_view(release, tmp_path)
    lists = knowledge().release(release)
    for variable, attribute in LISTS.items():
        assert getattr(lists, attribute) == frozenset(data.getVar(variable).split()), variable


@pytest.mark.parametrize("release", oracle.RELEASES)
def test_renames_match_bitbake(release: str, tmp_path: Path) -> None:
    _needs_releases()
    bb = oracle.import_bb()
    flags = _bitbake_view(release, tmp_path).getVarFlags("BB_RENAMED_VARIABLES") or {}
    expected = {**bb.data_smart.bitbake_renamed_vars,
                **{k: v for k, v in flags.items() if not k.startswith("_")}}
    assert dict(knowledge().release(release).renamed) == expected


def test_known_differences_between_releases() -> None:
    kb = knowledge()
    assert "PSEUDO_IGNORE_PATHS" in kb.ignore_list("scarthgap")
    assert "PSEUDO_INCLUDE_PATHS" in kb.ignore_list("master")
    assert "RUST_TARGET_SYS" not in kb.ignore_list("kirkstone")
    assert "RUST_TARGET_SYS" in kb.ignore_list("scarthgap")
    assert kb.ignore_list(None) <= kb.ignore_list("kirkstone") & kb.ignore_list("master")
    assert kb.renamed("TCLIBCAPPEND", "scarthgap") is None
    assert kb.renamed("TCLIBCAPPEND", "styhead") is not None
