"""The resolver's own API: history, unevaluated values, limits, includes, renames, fragments."""

from __future__ import annotations

from pathlib import Path

import pytest

import confdrift
from confdrift.api import load
from confdrift.datastore.resolved import ResolvedConfig
from confdrift.errors import ExpansionError, LimitError, ParseError


def _load(tmp_path: Path, files: dict[str, str], **kwargs: object) -> ResolvedConfig:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return load(str(tmp_path / "t.conf"), **kwargs)  # type: ignore[arg-type]


def _counts(config: ResolvedConfig, name: str) -> list[tuple[str, str, bool]]:
    return [(e.variable, e.op, e.changed_final) for e in config.history(name)]


HISTORY_CASES = [
    ('A = "1"\nA = "2"\n', "A", [("A", "=", False), ("A", "=", True)]),
    ('A ?= "1"\nA ?= "2"\n', "A", [("A", "?=", True), ("A", "?=", False)]),
    ('A ??= "w"\nA = "s"\n', "A", [("A", "??=", False), ("A", "=", True)]),
    ('A ??= "1"\nA ??= "2"\n', "A", [("A", "??=", False), ("A", "??=", True)]),
    ('A = "a"\nA += "b"\n', "A", [("A", "=", True), ("A", "+=", True)]),
    (
        'OVERRIDES = "o"\nA = "a"\nA:append:o = " x"\nA:append:p = " y"\n',
        "A",
        [("A", "=", True), ("A:append:o", ":append", True), ("A:append:p", ":append", False)],
    ),
    (
        'A = "a b"\nA:remove = "c"\nA:remove = "b"\n',
        "A",
        [("A", "=", True), ("A:remove", ":remove", False), ("A:remove", ":remove", True)],
    ),
    (
        'OVERRIDES = "o"\nA = "base"\nA:o = "ovr"\nA:p = "other"\n',
        "A",
        [("A", "=", False), ("A:o", "=", True), ("A:p", "=", False)],
    ),
    (
        'A = "x"\nunset A\nA:append = "y"\n',
        "A",
        [("A", "=", False), ("A", "unset", True), ("A:append", ":append", True)],
    ),
]


@pytest.mark.parametrize(("text", "name", "expected"), HISTORY_CASES)
def test_history_marks_what_shapes_the_final_value(
    tmp_path: Path, text: str, name: str, expected: list[tuple[str, str, bool]]
) -> None:
    assert _counts(_load(tmp_path, {"t.conf": text}), name) == expected


def test_history_entries_carry_file_line_value_and_flag(tmp_path: Path) -> None:
    config = _load(tmp_path, {"t.conf": 'include a.conf\nA[doc] = "d"\n', "a.conf": 'A = "1"\n'})
    first, second = config.history("A")
    assert (Path(first.file).name, first.line, first.op, first.value) == ("a.conf", 1, "=", "1")
    assert (Path(second.file).name, second.line, second.flag, second.value) == (
        "t.conf",
        2,
        "doc",
        "d",
    )


def test_unevaluated_python_is_left_literal_and_explained(tmp_path: Path) -> None:
    text = (
        "A = \"${@os.path.basename('/x/y')}\"\n"
        'B = "pre ${A}"\n'
        "C = \"${@d.getVar('A') + 'x'}\"\n"
        'D = "${@1+1}"\n'
    )
    config = _load(tmp_path, {"t.conf": text})
    assert config.get("A") == "${@os.path.basename('/x/y')}"
    assert config.get("B") == "pre ${@os.path.basename('/x/y')}"
    assert not config.is_evaluated("A") and not config.is_evaluated("B")
    assert (
        not config.is_evaluated("C")
        and config.get(
            "C",
        )
        == "${@d.getVar('A') + 'x'}"
    )
    assert config.is_evaluated("D") and config.get("D") == "2"
    assert any("os.path.basename" in reason for reason in config.unevaluated("B"))
    assert config.unevaluated("D") == ()


def test_value_size_limit(tmp_path: Path) -> None:
    lines = ['V0 = "xxxxxxxxxxxxxxxx"'] + [
        f'V{i} = "${{V{i - 1}}}${{V{i - 1}}}"' for i in range(1, 26)
    ]
    config = _load(tmp_path, {"t.conf": "\n".join(lines) + "\n"})
    assert len(config.get("V10") or "") == 16 * 1024
    with pytest.raises(LimitError):
        config.get("V25")


def test_expansion_depth_limit(tmp_path: Path) -> None:
    lines = [f'V{i} = "${{V{i + 1}}}"' for i in range(150)] + ['V150 = "end"']
    config = _load(tmp_path, {"t.conf": "\n".join(lines) + "\n"})
    with pytest.raises(LimitError, match="V0"):
        config.get("V0")
    assert config.get("V100") == "end"


def test_indirect_cycle_names_the_chain(tmp_path: Path) -> None:
    config = _load(tmp_path, {"t.conf": 'A = "${B}"\nB = "${C}"\nC = "${A}"\n'})
    with pytest.raises(ExpansionError, match="A -> B -> C -> A"):
        config.get("A")


def test_a_failed_override_read_is_not_remembered_as_no_overrides(tmp_path: Path) -> None:
    # Found by the generated-programs oracle test: reading B first used to leave an empty
    # override list cached, so A then read as "x" where BitBake fails again.
    text = ("A = \"x\"\nA:a = \"x\"\nB = \"${@'q' if d.getVar('C') else 'r'}\"\n"
            "OVERRIDES = \"${B}\"\nC = \"${B}\"\n")
    config = _load(tmp_path, {"t.conf": text})
    for name in ("B", "A", "A"):
        with pytest.raises(ExpansionError):
            config.get(name)


def test_include_cycle_is_a_parse_error_naming_the_chain(tmp_path: Path) -> None:
    files = {
        "t.conf": "include a.conf\n",
        "a.conf": "include b.conf\n",
        "b.conf": "include a.conf\n",
    }
    with pytest.raises(ParseError, match=r"a\.conf -> .*b\.conf -> .*a\.conf"):
        _load(tmp_path, files)


def test_include_depth_limit(tmp_path: Path) -> None:
    files = {"t.conf": "include f0.conf\n"}
    files.update({f"f{i}.conf": f"include f{i + 1}.conf\n" for i in range(60)})
    with pytest.raises(LimitError):
        _load(tmp_path, files)


def test_missing_includes_and_files_are_recorded(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        {"t.conf": 'include a.conf nope.conf\nA := "${FILE}"\n', "a.conf": 'B := "${FILE}"\n'},
    )
    assert [Path(f).name for f in config.files] == ["t.conf", "a.conf"]
    (missing,) = config.missing_includes
    assert (missing.name, missing.line, missing.reason) == ("nope.conf", 1, "not found")
    assert str(tmp_path) in missing.searched
    assert Path(config.get("A") or "").name == "t.conf"
    assert Path(config.get("B") or "").name == "a.conf"


def test_old_override_syntax_names_the_new_spelling(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="IMAGE_INSTALL:append"):
        _load(tmp_path, {"t.conf": 'IMAGE_INSTALL_append = " x"\n'})


def test_renamed_variables_are_recorded_not_raised(tmp_path: Path) -> None:
    text = 'BB_RENAMED_VARIABLES[OLD_X] = "NEW_X"\nOLD_X = "1"\nBB_ENV_WHITELIST:append = " y"\n'
    config = _load(tmp_path, {"t.conf": text})
    assert config.get("OLD_X") == "1"
    assert any(
        "Variable OLD_X has been renamed to NEW_X" in e and "line: 2" in e for e in config.errors
    )
    assert any("referenced as: BB_ENV_WHITELIST:append" in e for e in config.errors)


def test_load_api_bbpath_overrides_flags_and_names(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "x.conf").write_text('X = "from-bbpath"\n', encoding="utf-8")
    config = _load(
        tmp_path,
        {"t.conf": 'include x.conf\nA = "${TOPDIR}/a"\nA[doc] = "${X}"\nexport B\n'},
        bbpath=[str(tmp_path / "p")],
        overrides={"TOPDIR": "/build"},
    )
    assert config.get("X") == "from-bbpath" and config.get("A") == "/build/a"
    assert config.get_flag("A", "doc") == "${X}"
    assert config.get_flag("A", "doc", expand=True) == "from-bbpath"
    assert config.get_flag("B", "export") == "1" and config.get("B") is None
    assert config.get_unexpanded("A") == "${TOPDIR}/a"
    assert "B" not in config.names() and {"A", "X", "TOPDIR", "FILE"} <= set(config.names())
    assert confdrift.load is load


def test_several_files_share_one_datastore(tmp_path: Path) -> None:
    (tmp_path / "one.conf").write_text('A = "1"\nB ?= "one"\n', encoding="utf-8")
    (tmp_path / "two.conf").write_text('A += "2"\nB ?= "two"\n', encoding="utf-8")
    config = load([tmp_path / "one.conf", tmp_path / "two.conf"])
    assert (config.get("A"), config.get("B")) == ("1 2", "one")


FRAGMENTS = (
    'BBLAYERS = "{root}/layer"\n'
    'BBFILE_COLLECTIONS = "mylayer"\n'
    'BBFILE_PATTERN_mylayer = "^{root}/layer/"\n'
    'OE_FRAGMENTS = "machine/qemuarm mylayer/extra"\n'
    'OE_FRAGMENTS_METADATA_VARS = "BB_CONF_FRAGMENT_SUMMARY"\n'
    'OE_FRAGMENTS_BUILTIN = "machine:MACHINE distro:DISTRO"\n'
    "{pre}"
    "addfragments conf/fragments OE_FRAGMENTS OE_FRAGMENTS_METADATA_VARS OE_FRAGMENTS_BUILTIN\n"
)


def test_addfragments_builtin_and_layer_fragments(tmp_path: Path) -> None:
    fragment = 'BB_CONF_FRAGMENT_SUMMARY = "extra things"\nEXTRA = "yes"\n'
    files = {
        "t.conf": FRAGMENTS.format(root=tmp_path, pre='MACHINE ??= "weak"\n'),
        "layer/conf/fragments/extra.conf": fragment,
    }
    config = _load(tmp_path, files)
    assert config.get("MACHINE") == "qemuarm" and config.get("EXTRA") == "yes"
    assert config.get("BB_CONF_FRAGMENT_SUMMARY") is None
    assert config.get_flag("BB_CONF_FRAGMENT_SUMMARY", "mylayer/extra") == "extra things"


def test_addfragments_builtin_refuses_a_set_variable(tmp_path: Path) -> None:
    files = {"t.conf": FRAGMENTS.format(root=tmp_path, pre='MACHINE ?= "strong"\n')}
    with pytest.raises(ParseError, match="builtin fragment 'machine/qemuarm'"):
        _load(tmp_path, files)


def test_renamed_in_use_is_the_cookers_final_check(tmp_path: Path) -> None:
    text = (
        'OLD_Y = "set before the rename is known"\n'
        'BB_RENAMED_VARIABLES[OLD_Y] = "NEW_Y"\n'
        'BB_RENAMED_VARIABLES[OLD_Z] = "is gone for good"\n'
        'OLD_Z:append = " z"\n'
        'BB_RENAMED_VARIABLES[UNUSED] = "NEW_U"\n'
    )
    config = _load(tmp_path, {"t.conf": text})
    uses = {u.old: u for u in config.renamed_in_use()}
    assert set(uses) == {"OLD_Y", "OLD_Z"}
    assert uses["OLD_Y"].message == "Variable OLD_Y has been renamed to NEW_Y"
    assert uses["OLD_Y"].locations == ((str(tmp_path / "t.conf"), 1),)
    assert uses["OLD_Z"].message == "Variable OLD_Z is gone for good"


def test_code_holding_an_unevaluated_expression_is_unevaluated(tmp_path: Path) -> None:
    text = 'P := "${@os.getcwd()}"\nQ = "${@\'${P}\'.upper()}"\n'
    config = _load(tmp_path, {"t.conf": text})
    assert not config.is_evaluated("Q")
    assert config.get("Q") == "${@'${@os.getcwd()}'.upper()}"


def test_a_failed_override_round_leaves_no_value_cached(tmp_path: Path) -> None:
    # OVERRIDES = "b:${B}" with B:b referring back to B fails in the fixpoint's second
    # round. BitBake fails every read after that; a value computed during the failed round
    # (A = "xx") must not be served from the cache, whatever was read first.
    (tmp_path / "t.conf").write_text(
        'A:append = "x"\ninclude inc.conf\nA = "x"\nB:b = "${A} ${B}"\n', encoding="utf-8")
    (tmp_path / "inc.conf").write_text('A = "x"\nOVERRIDES = "b:${B}"\n', encoding="utf-8")
    config = load([str(tmp_path / "t.conf")], [str(tmp_path)])
    assert "A" in config.names()
    with pytest.raises(ExpansionError):
        config.get("A")
