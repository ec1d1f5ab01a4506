"""A release is one record: confdrift/syntax/releases.py, plus the data generated for it.

Adding a release must not mean editing code elsewhere. These tests hold that true: every
record has its generated data and every generated file its record, and no module outside
the table decides anything by comparing BitBake versions or release names.
"""

from __future__ import annotations

import ast
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from confdrift.build.chain import load_build
from confdrift.knowledge import knowledge
from confdrift.rules.wiring import _address_problem
from confdrift.syntax import releases as table

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "confdrift"
TABLE = PACKAGE / "syntax" / "releases.py"
PROFILES = PACKAGE / "build" / "profiles"
IGNORE_VARS = PACKAGE / "knowledge" / "ignore_vars.toml"
NAMES = table.names()


def _version(record: table.Release) -> tuple[int, ...]:
    return tuple(int(part) for part in record.bitbake_version.split("."))


def test_records_are_unique_and_oldest_first() -> None:
    assert len(set(NAMES)) == len(NAMES)
    versions = [_version(r) for r in table.RELEASES]
    assert versions == sorted(set(versions))
    assert table.NEWEST is table.RELEASES[-1]
    for record in table.RELEASES:
        assert record.corenames == tuple(sorted(record.corenames))
        assert table.by_name(record.name) is record
        assert table.by_version(record.bitbake_version) is record
        assert table.by_corenames(" ".join(reversed(record.corenames))) is record
        assert table.dialect(record.bitbake_version) is record.dialect


def test_each_record_has_its_profile_and_each_profile_its_record() -> None:
    profiles = {p.stem for p in PROFILES.glob("*.json")}
    assert profiles == set(NAMES)
    for record in table.RELEASES:
        data = json.loads((PROFILES / f"{record.name}.json").read_text(encoding="utf-8"))
        assert data["bitbake_version"] == record.bitbake_version
        bare = data["distros"]["nodistro"]["machines"][""]
        assert bare["LAYERSERIES_CORENAMES"]["value"] == " ".join(record.corenames)


def test_each_record_has_its_signature_lists_and_each_list_its_record() -> None:
    lists = tomllib.loads(IGNORE_VARS.read_text(encoding="utf-8"))
    assert set(lists) == set(NAMES)
    kb = knowledge()
    assert kb.releases == NAMES
    for name in NAMES:
        assert kb.release(name).basehash_ignore_vars


@pytest.mark.parametrize("record", table.RELEASES, ids=NAMES)
def test_the_cooker_differences_come_from_the_record(
    record: table.Release, tmp_path: Path
) -> None:
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "local.conf").write_text('LOCAL = "yes"\n')
    (conf / "toolcfg.conf").write_text('FROM_TOOLCFG = "yes"\n')
    ours = load_build(tmp_path, release=record.name)
    assert ours.get("BB_CURRENT_MC") == record.main_multiconfig_name
    assert (ours.get("FROM_TOOLCFG") == "yes") == record.reads_toolcfg_conf
    refused = _address_problem("wss://hashserv.example.com:8686", record.name) is not None
    assert refused == (not record.hashserv_websockets)


# --- no release decided outside the table -------------------------------------------------

#: Strings that name a release or its BitBake version.
_RELEASE_WORDS = frozenset(NAMES) | {r.bitbake_version for r in table.RELEASES}


def _sources() -> Iterator[Path]:
    """The package and the generators (bench/ only names releases as benchmark inputs)."""
    yield from sorted(PACKAGE.rglob("*.py"))
    yield from sorted((ROOT / "scripts").glob("*.py"))


def _docstrings(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _int_tuple(node: ast.AST) -> bool:
    return isinstance(node, ast.Tuple) and len(node.elts) > 1 and all(
        isinstance(e, ast.Constant) and type(e.value) is int for e in node.elts)


def _python_version_check(node: ast.Compare) -> bool:
    return ast.unparse(node.left) == "sys.version_info"


def _release_decisions(source: str, label: str) -> Iterator[str]:
    tree = ast.parse(source, label)
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        where = f"{label}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in docstrings and node.value in _RELEASE_WORDS:
            yield f"{where}: {node.value!r} names a release or its BitBake version"
        if isinstance(node, ast.Compare) and not _python_version_check(node) \
                and any(_int_tuple(side) for side in (node.left, *node.comparators)):
            yield f"{where}: {ast.unparse(node)} compares a version"
        if isinstance(node, ast.FunctionDef) and "vtuple" in node.name:
            yield f"{where}: {node.name} turns versions into numbers to compare"


def test_no_code_outside_the_table_branches_on_a_release() -> None:
    found = [problem for path in _sources() if path != TABLE
             for problem in _release_decisions(path.read_text(encoding="utf-8"),
                                               str(path.relative_to(ROOT)))]
    assert found == [], "read a field of the release's record instead:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def _vtuple(version):\n    return tuple(int(p) for p in version.split('.'))\n",
         "turns versions into numbers"),
        ("if version is not None and _vtuple(version) < (2, 16):\n    pass\n",
         "compares a version"),
        ('def f(release):\n    return release == "kirkstone"\n', "names a release"),
        ('KNOWN = set(NAMES) - {"master"}\n', "names a release"),
        ('VERSIONS = {"walnascar": "2.12"}\n', "its BitBake version"),
    ],
)
def test_the_scan_sees_what_the_table_replaced(source: str, expected: str) -> None:
    found = list(_release_decisions(source, "probe.py"))
    assert any(expected in problem for problem in found), found


def test_the_scan_leaves_docstrings_and_python_version_checks_alone() -> None:
    source = '"""Works from scarthgap on."""\nimport sys\nNEW = sys.version_info >= (3, 11)\n'
    assert list(_release_decisions(source, "probe.py")) == []
