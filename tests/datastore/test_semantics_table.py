"""Every case of bitbake-semantics.md §14, with BitBake 2.19's result, through ``load``.

The cases are transcribed into ``tests/data/semantics_cases.json`` (one entry per row:
files, BBPATH, preset variables, and the values, read errors, load error or warning BitBake
produced). A handful of rows exercise things outside one ``load`` (``bitbake -e`` key
expansion, the cooker's LAYERDIR baking, imported Python): those are listed in DIFFERENT
with what confdrift does instead, and are checked for that.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from confdrift.datastore.resolved import ResolvedConfig
from confdrift.datastore.resolved import load_files as load
from confdrift.errors import ConfdriftError, ExpansionError

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parents[1] / "data" / "semantics_cases.json").read_text(encoding="utf-8")
)

#: Rows whose BitBake result comes from machinery outside ``load``; value = what we check.
DIFFERENT = {
    "V24": "key expansion is done by bitbake -e: ResolvedConfig.expand_keys(), not load()",
    "D04": "addpylib modules are never imported, so ${@mymod.X} stays unevaluated",
    "D05": "LAYERDIR baking belongs to the cooker's layer.conf handling, not to load()",
    "I15": "def functions in .inc files are recorded, not run: ${@f(d)} stays unevaluated",
    "V17": "renamed variables are recorded in .errors; the cooker, not the parse, refuses them",
}


def _write(tmp_path: Path, case: dict[str, Any]) -> tuple[list[str], list[str]]:
    encoding = case.get("encoding", "utf-8")
    for name, text in case["files"].items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode(encoding))
    main = "t.conf" if "t.conf" in case["files"] else next(iter(case["files"]))
    bbpath = [p.replace("<dir>", str(tmp_path)) for p in case["bbpath"]] or [str(tmp_path)]
    return [str(tmp_path / main)], bbpath


def _read(config: ResolvedConfig, key: str) -> str | None:
    if key.endswith("]") and "[" in key:
        name, flag = key[:-1].split("[", 1)
        return config.get_flag(name, flag)
    return config.get(key)


def _load(tmp_path: Path, case: dict[str, Any]) -> ResolvedConfig:
    paths, bbpath = _write(tmp_path, case)
    preset = {k: v.replace("@", str(tmp_path)) for k, v in case["preset"].items()}
    return load(paths, bbpath=bbpath, overrides=preset)


@pytest.mark.parametrize(
    "case", [c for c in CASES if c["id"] not in DIFFERENT], ids=lambda c: c["id"]
)
def test_case(tmp_path: Path, case: dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(ConfdriftError):
            _load(tmp_path, case)
        return
    config = _load(tmp_path, case)
    for key, expected in case.get("values", {}).items():
        value = _read(config, key)
        if "[" not in key and not config.is_evaluated(key):
            # pyexpr declined an expression: the value must say so, never guess.
            assert value is not None and "${@" in value and config.unevaluated(key), key
            continue
        assert value == expected, key
    for key, message in case.get("read_errors", {}).items():
        if "${@oe." in message:
            continue  # a real build has oe-core's library (addpylib); the bare oracle had not
        try:
            value = config.get(key)
        except ExpansionError:
            continue
        # Only an expression confdrift does not evaluate may stand in for BitBake's failure.
        assert not config.is_evaluated(key), (key, value)
    if "lack of whitespace" in case.get("warning", ""):
        assert any("lack of whitespace" in w for w in config.warnings)
    elif case.get("warning"):
        assert any(case["warning"].split(" ")[0] in w for w in config.warnings)


def test_error_messages_match_bitbakes(tmp_path: Path) -> None:
    """Where confdrift raises for the same reason, its message carries BitBake's words."""
    for case in CASES:
        message = case.get("error", "")
        for words in (
            "unparsed line",
            "Could not include required file",
            "not a BitBake file",
            "old override syntax",
            "Could not inherit file",
        ):
            if words in message:
                sub = tmp_path / case["id"]
                sub.mkdir()
                with pytest.raises(ConfdriftError, match=words):
                    _load(sub, case)


def test_different_cases_do_what_confdrift_documents(tmp_path: Path) -> None:
    by_id = {c["id"]: c for c in CASES}
    renamed = _load(tmp_path / "v17", _mkdir(tmp_path / "v17", by_id["V17"]))
    assert renamed.get("BB_ENV_WHITELIST") == "x"
    assert any("renamed to BB_ENV_PASSTHROUGH" in e for e in renamed.errors)
    keyed = _load(tmp_path / "v24", _mkdir(tmp_path / "v24", by_id["V24"]))
    assert keyed.get("PREFERRED_VERSION_${X}") == "1"
    assert keyed.get("PREFERRED_VERSION_foo") == "2"
    (warning,) = keyed.expand_keys()  # what bitbake -e does next
    assert keyed.get("PREFERRED_VERSION_foo") == "1"
    assert warning == by_id["V24"]["warning"]
    for cid, name in (("D04", "A"), ("I15", "B")):
        config = _load(tmp_path / cid, _mkdir(tmp_path / cid, by_id[cid]))
        assert not config.is_evaluated(name)
    i15 = _load(tmp_path / "i15b", _mkdir(tmp_path / "i15b", by_id["I15"]))
    assert i15.get("A") == "1" and i15.python_functions == ("f",)


def _mkdir(path: Path, case: dict[str, Any]) -> dict[str, Any]:
    path.mkdir(parents=True)
    return case


def test_few_values_left_unevaluated(tmp_path: Path) -> None:
    """Inline Python the evaluator declines is counted; it must stay the exception."""
    declined = []
    for case in CASES:
        if case["id"] in DIFFERENT or "error" in case:
            continue
        config = _load(tmp_path / case["id"], _mkdir(tmp_path / case["id"], case))
        keys = [*case.get("values", {}), *case.get("read_errors", {})]
        declined += [
            f"{case['id']}:{k}" for k in keys if "[" not in k and not config.is_evaluated(k)
        ]
    # os.path.* is outside pyexpr's subset (it would touch the build host's view of paths).
    assert set(declined) <= {"E11:A", "I18:A", "I18:B", "I18:C"}, declined


def test_table_is_complete() -> None:
    assert len(CASES) == 177
    assert len({c["id"] for c in CASES}) == 177
