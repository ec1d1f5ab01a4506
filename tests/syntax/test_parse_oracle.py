"""Differential test: confdrift's parser against BitBake's own readers on real files.

Every .conf/.inc/.sample file of the shared corpus and of the per-release trees must be
accepted or rejected exactly as BitBake 2.19's reader does, with the same statements in
the same order. Release trees are also parsed with their own release's BitBake dialect,
where every shipped file must be accepted (except ccache.conf, which is ccache's file).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import oracle
from helpers.environment import shared_missing

from confdrift.errors import ParseError
from confdrift.syntax import releases
from confdrift.syntax.parse import base_config_for, parse_text

SHARED = Path(__file__).resolve().parents[2] / "../shared"
SUFFIXES = (".conf", ".inc", ".sample")
#: Files in the release trees that are not BitBake input at all.
NOT_BITBAKE = {"ccache.conf"}


def _files(folder: str) -> list[Path]:
    root = SHARED / folder
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in SUFFIXES)


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.resolve().relative_to(SHARED.resolve())) for p in paths]


def _confdrift(path: Path, version: str | None = None) -> tuple[bool, tuple[oracle.Row, ...]]:
    text = path.read_bytes().decode("utf-8")
    try:
        parsed = parse_text(text, str(path), version=version,
                            base_config=base_config_for(str(path)))
    except ParseError:
        return False, ()
    return True, oracle.rows_of(parsed)


def _check_against_bitbake(path: Path) -> None:
    oracle.require_bb()
    expected = oracle.read(path, base_config=base_config_for(str(path)))
    accepted, rows = _confdrift(path)
    assert accepted == expected.accepted, expected.rejection
    assert rows == expected.rows


CORPUS = _files("corpus")
RELEASE_FILES = _files("releases")


@pytest.mark.parametrize("path", CORPUS, ids=_ids(CORPUS))
def test_corpus_file_reads_as_bitbake_reads_it(path: Path) -> None:
    _check_against_bitbake(path)


@pytest.mark.parametrize("path", RELEASE_FILES, ids=_ids(RELEASE_FILES))
def test_release_file_reads_as_bitbake_reads_it(path: Path) -> None:
    _check_against_bitbake(path)


@pytest.mark.parametrize("path", RELEASE_FILES, ids=_ids(RELEASE_FILES))
def test_release_file_is_accepted_by_its_own_bitbake_version(path: Path) -> None:
    release = path.resolve().relative_to((SHARED / "releases").resolve()).parts[0]
    version = releases.get(release).bitbake_version
    accepted, rows = _confdrift(path, version)
    assert accepted == (path.name not in NOT_BITBAKE)
    newest_accepted, newest_rows = _confdrift(path)
    if newest_accepted:
        # The syntax these files use did not change between releases.
        assert rows == newest_rows


def test_corpus_and_releases_are_present_or_skipped() -> None:
    if not CORPUS:
        shared_missing("../shared/corpus is absent")
    assert len(CORPUS) > 500  # the corpus README lists 645 BitBake files


def _oracle_json() -> dict[str, dict[str, object]]:
    path = SHARED / "corpus" / "ORACLE.json"
    if not path.is_file():
        shared_missing("../shared/corpus/ORACLE.json is absent")
    files: dict[str, dict[str, object]] = json.loads(path.read_text("utf-8"))["files"]
    return {name: verdict for name, verdict in files.items() if verdict.get("accepted") is not None}


def test_recorded_verdicts_match_without_bitbake_installed() -> None:
    """ORACLE.json (made with BitBake 2.19): syntax rejections are exactly ours."""
    mismatched = []
    for name, verdict in _oracle_json().items():
        accepted, _ = _confdrift(SHARED / "corpus" / name)
        if accepted != (verdict["stage"] != "read"):
            mismatched.append(name)
    assert mismatched == []
