"""confdrift's resolver against BitBake's own datastore (the ``bb`` library, 2.19).

Three sources of input: every BitBake file of the shared corpus loaded on its own, a table
of edge cases in the spirit of BitBake's own ``bb/tests/data.py`` and ``parse.py`` (our own
programs, compared live), and Hypothesis-generated programs. Values confdrift leaves
unevaluated (inline Python outside pyexpr's subset, or needing oe-core's library) are
counted and reported, never compared; on everything else agreement must be total.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.bb_datastore import Comparison, _compare_one, bb_load, compare
from helpers.environment import shared_missing
from helpers.strategies_resolve import program
from hypothesis import HealthCheck, given, settings

from confdrift.datastore.resolved import ResolvedConfig
from confdrift.datastore.resolved import load_files as load

CORPUS = Path(__file__).resolve().parents[2] / "../shared/corpus"
OE_CORE_META = CORPUS / "layers/openembedded-core/meta"


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in (".conf", ".inc") and p.is_file())


def corpus_bbpath(path: Path) -> list[str]:
    """The file's layer (or build) root, ``conf/..``, then oe-core so shared includes resolve."""
    text = str(path)
    root = text[: text.rindex("/conf/")] if "/conf/" in text else str(path.parent)
    return [root, str(OE_CORE_META)]


def test_corpus_templates_agree_with_bitbake(tmp_path: Path) -> None:
    """``*.conf.sample`` templates, read as the ``.conf`` files they become."""
    samples = sorted(CORPUS.rglob("*.conf.sample")) if CORPUS.is_dir() else []
    if not samples:
        shared_missing("../shared/corpus is not available")
    agree = 0
    for number, sample in enumerate(samples):
        target = tmp_path / str(number) / "conf" / sample.name.removesuffix(".sample")
        target.parent.mkdir(parents=True)
        target.write_bytes(sample.read_bytes())
        result = compare([str(target)], [str(target.parent.parent), *corpus_bbpath(sample)])
        assert not result.outcome_differs, (sample, result)
        assert not result.diffs, (sample, result.diffs)
        agree += result.agree
    assert agree >= 40


def test_corpus_agrees_with_bitbake() -> None:
    files = corpus_files()
    if not files:
        shared_missing("../shared/corpus is not available")
    total, outcome_diffs, diffs, undecided = Comparison(), [], [], []
    for path in files:
        result = compare([str(path)], corpus_bbpath(path))
        total.agree += result.agree
        total.unevaluated += result.unevaluated
        diffs += [f"{path.relative_to(CORPUS)}: {d}" for d in result.diffs]
        if result.bb_line is not None and result.cd_error is not None:
            assert result.cd_line == result.bb_line, (path, result)  # the same statement fails
        if result.outcome_differs and _undecidable(result):
            undecided.append(str(path.relative_to(CORPUS)))
        elif result.outcome_differs:
            outcome_diffs.append(
                f"{path.relative_to(CORPUS)}: {result.bb_error} / {result.cd_error}"
            )
    print(
        f"\ncorpus: {len(files)} files, {total.agree} values agree, "
        f"{total.unevaluated} not evaluated (counted, not compared); "
        f"{len(undecided)} files whose outcome needs unevaluated Python: {undecided}"
    )
    assert not outcome_diffs, outcome_diffs[:10]
    assert not diffs, diffs[:20]
    assert total.agree > 100_000
    assert len(undecided) <= 10, undecided


def _undecidable(result: Comparison) -> bool:
    """BitBake failed where confdrift could not follow: the bare oracle lacked oe-core's
    library, or an include path needs inline Python confdrift does not evaluate."""
    if result.cd_error is not None:
        return False
    return "oe-core's Python library" in (result.bb_error or "") or result.unfollowed_includes > 0


EDGE_CASES = {
    "direct-reference": 'B = "b"\nA = "${B}"\n',
    "indirect-and-another": 'C = "c"\nB = "${C} ${C}"\nA = "x${B}y${C}"\n',
    "undefined-stays": 'A = "${NOPE} and ${NOPE}"\n',
    "value-containing-reference-text": 'B = "${"\nA = "${B}C}"\n',
    "double-reference": 'B = "1"\nA = "${B}${B}"\n',
    "direct-recursion": 'A = "${A}"\n',
    "indirect-recursion": 'A = "${B}"\nB = "${C}"\nC = "${A}"\n',
    "python-dict": "A = \"${@{'k': 'v'}['k']}\"\n",
    "python-unexpanded-multi": "A = \"${@'${NOPE}'} ${@'x'}\"\n",
    "python-after-reference": 'B = "3"\nA = "${@int(\'${B}\') + 1}"\n',
    "python-getvar": 'B = "v"\nA = "${@d.getVar(\'B\')}"\n',
    "python-syntax-error": 'A = "${@5 +}"\n',
    "python-runtime-error": 'A = "${@1 // 0}"\n',
    "incomplete-quotes": 'A = "${@\'x}"\n',
    "deep-nesting": 'D = "d"\nC = "D"\nB = "C"\nA = "${${${B}}}"\n',
    "append-prepend-cleared-by-unset": (
        'A = "1"\nA:append = "2"\nA:prepend = "0"\nunset A\nA = "x"\n'
    ),
    "remove-inactive-override": 'OVERRIDES = "a"\nA = "1 2"\nA:remove:b = "1"\n',
    "remove-expansion-items": 'R = "b c"\nA = "a b c d"\nA:remove = "${R} d"\n',
    "remove-preserves-whitespace": 'A = " a  b\tc "\nA:remove = "b"\n',
    "remove-empty": 'A = "a"\nA:remove = ""\n',
    "remove-doubleref": 'A = "a b"\nA:remove = "a"\nA:remove = "a"\n',
    "override-unset": 'OVERRIDES = "a"\nA = "0"\nA:a = "1"\nunset A\n',
    "combined-overrides": 'OVERRIDES = "a:b:c"\nA = "0"\nA:c:a = "ca"\nA:b = "b"\n',
    "underscore-override": 'OVERRIDES = "foo_bar"\nA = "0"\nA:foo_bar = "1"\n',
    "append-and-override": (
        'OVERRIDES = "o"\nA = "x"\nA:o = "y"\nA:append:o = "+"\nA:o:append = "!"\n'
    ),
    "append-unused-override": 'OVERRIDES = "o"\nA = "x"\nA:append:p = "+"\n',
    "override-of-override-variable": 'OVERRIDES = "a:b"\nA:a = "1"\nA:a:b = "2"\n',
    "overrides-from-variable": 'M = "m"\nOVERRIDES = "${M}"\nA = "0"\nA:m = "1"\nM = "n"\n',
    "overrides-unset-input": (
        'M = "m"\nOVERRIDES = "${M}"\nA = "0"\nA:m = "1"\nB := "${A}"\nunset M\n'
    ),
    "unstable-overrides": 'OVERRIDES = "a"\nOVERRIDES:a = "a:b"\nA:b = "1"\n',
    "flags-and-weak-flag-defaults": (
        'A[f] ??= "w"\nA[g] ??= "w"\nA[g] = "s"\nA[h] = "1"\nunset A[h]\n'
    ),
    "export-then-assign": 'export A\nA ?= "1"\n',
    "weak-default-and-append": 'A ??= "w"\nA:append = " a"\nB ??= "w"\nB .= "d"\n',
    "immediate-self": 'A = "a"\nA := "${A} b"\nA:append = " c"\n',
    "odd-operator": 'A = "a"\nA:append .= "b"\nA:remove ?= "a"\n',
    "file-variable": 'A := "${FILE}"\nB = "${FILE}"\n',
    "default-of-append-name": 'A:append ??= "x"\nA = "a"\n',
    "vardeps-read-before-python": 'B = "${@\'q\'}"\nB[vardeps] = "x ${B} y"\nC = "${@\'c\'}"\n'
    'C[vardeps] = "${A}"\n',
    "python-pasted-unevaluated": 'P := "${@os.getcwd()}"\nQ = "${@\'${P}\'.upper()}"\n',
}


@pytest.mark.parametrize("text", list(EDGE_CASES.values()), ids=list(EDGE_CASES))
def test_edge_cases_match_bitbake(tmp_path: Path, text: str) -> None:
    (tmp_path / "t.conf").write_text(text, encoding="utf-8")
    result = compare([str(tmp_path / "t.conf")], [str(tmp_path)])
    assert (result.bb_error is None) == (result.cd_error is None), result
    assert not result.diffs


INCLUDE_CASES = {
    "include-and-require": {
        "t.conf": "include a.conf\nrequire b.inc\n",
        "a.conf": 'A = "a"\n',
        "b.inc": 'B = "${A}b"\n',
    },
    "include-missing-then-value": {"t.conf": 'include no.conf\nA = "1"\n'},
    "require-missing": {"t.conf": "require no.conf\n"},
    "include-cycle": {"t.conf": "include a.conf\n", "a.conf": "include t.conf\n"},
    "include-expanded-name": {"t.conf": 'N = "a"\ninclude ${N}.conf\n', "a.conf": 'A = "x"\n'},
    "require-nothing": {"t.conf": "require ${@''}\nA = \"1\"\n"},
    "file-restored": {"t.conf": 'include a.conf\nB := "${FILE}"\n', "a.conf": 'A := "${FILE}"\n'},
}


@pytest.mark.parametrize("files", list(INCLUDE_CASES.values()), ids=list(INCLUDE_CASES))
def test_include_cases_match_bitbake(tmp_path: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = compare([str(tmp_path / "t.conf")], [str(tmp_path)])
    assert (result.bb_error is None) == (result.cd_error is None), result
    assert not result.diffs


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=program())
def test_generated_programs_match_bitbake(tmp_path: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = compare([str(tmp_path / "t.conf")], [str(tmp_path)])
    assert (result.bb_error is None) == (result.cd_error is None), (files, result)
    assert not result.diffs, (files, result.diffs)


@pytest.mark.parametrize("pre", ['MACHINE ??= "weak"\n', 'MACHINE ?= "strong"\n', ""])
def test_addfragments_match_bitbake(tmp_path: Path, pre: str) -> None:
    from test_datastore import FRAGMENTS

    fragments = tmp_path / "layer/conf/fragments"
    fragments.mkdir(parents=True)
    (fragments / "extra.conf").write_text('BB_CONF_FRAGMENT_SUMMARY = "s"\nEXTRA = "yes"\n')
    (tmp_path / "t.conf").write_text(FRAGMENTS.format(root=tmp_path, pre=pre))
    result = compare([str(tmp_path / "t.conf")], [str(tmp_path)])
    assert (result.bb_error is None) == (result.cd_error is None), result
    assert not result.diffs


RELEASES = Path(__file__).resolve().parents[2] / "../shared/releases"
LOCAL_CONF = 'MACHINE ??= "qemux86-64"\nDISTRO ?= "poky"\nPACKAGE_CLASSES ?= "package_rpm"\n'
# walnascar's bitbake.conf has the 3-argument addfragments of BitBake 2.12, which the 2.19
# oracle cannot read; kirkstone..styhead need BB_CURRENT_MC = "default" as their BitBake set it.
BASE_RELEASES = ("kirkstone", "scarthgap", "styhead", "whinlatter", "wrynose", "master")


@pytest.mark.parametrize("release", BASE_RELEASES)
def test_release_bitbake_conf_agrees_with_bitbake(tmp_path: Path, release: str) -> None:
    """A whole oe-core + poky configuration: bitbake.conf with everything it includes.

    Values that differ only because BitBake read a file confdrift could not follow (its
    path needs inline Python, e.g. ``conf/machine-sdk/${SDKMACHINE}.conf`` through
    ``BUILD_ARCH := "${@os.uname()[4]}"``) are counted apart, not compared.
    """
    root = RELEASES / release
    if not root.is_dir():
        shared_missing("../shared/releases is not available")
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf/local.conf").write_text(LOCAL_CONF, encoding="utf-8")
    bbpath = [
        str(tmp_path),
        *(
            str(root / p)
            for p in ("poky/meta-poky", "poky/meta-yocto-bsp", "openembedded-core/meta")
        ),
    ]
    current_mc = "default" if release in ("kirkstone", "scarthgap", "styhead") else ""
    preset = {"TOPDIR": str(tmp_path), "BB_CURRENT_MC": current_mc}
    bitbake_conf = str(root / "openembedded-core/meta/conf/bitbake.conf")
    oracle = bb_load([bitbake_conf], bbpath, preset, tracking=True)
    config = load(bitbake_conf, bbpath=bbpath, overrides=preset)
    assert oracle.error is None
    # Variables BitBake set (partly) in a file confdrift did not read.
    tainted = {n for n, files in oracle.files_of.items() if files - set(config.files) - {"None"}}
    result, unfollowed = Comparison(), 0
    for name in sorted(set(oracle.values) | set(config.names())):
        if name.startswith("__") or name in oracle.functions:
            continue
        before = len(result.diffs)
        _compare_one(name, oracle.values.get(name), config, result)
        if len(result.diffs) > before and _from_unfollowed(name, config, tainted):
            result.diffs.pop()
            unfollowed += 1
    print(
        f"\n{release}: {result.agree} agree, {result.unevaluated} not evaluated, "
        f"{unfollowed} set in files confdrift could not follow"
    )
    assert not result.diffs, result.diffs[:10]
    assert result.agree > 1000
    assert unfollowed <= 10


def _from_unfollowed(name: str, config: ResolvedConfig, tainted: set[str]) -> bool:
    """The variable, or one it still refers to literally, was set in an unread file."""
    if name in tainted:
        return True
    text = str(config.get_unexpanded(name))
    return any(f"${{{other}}}" in text for other in tainted)


KEY_CASES = {
    "replaces-existing": 'X = "foo"\nPREFERRED_VERSION_${X} = "1"\nPREFERRED_VERSION_foo = "2"\n',
    "weak-default-moves": 'X = "a"\nK_${X} ??= "w"\n',
    "appends-move": 'X = "a"\nK_a = "base"\nK_${X}:append = " more"\nK_${X}:remove = "base"\n',
    "variants-move": 'OVERRIDES = "o"\nX = "a"\nK_${X}:o = "ovr"\nK_a = "plain"\n',
    "unexpandable-stays": 'K_${NOPE} = "1"\n',
}


@pytest.mark.parametrize("text", list(KEY_CASES.values()), ids=list(KEY_CASES))
def test_key_expansion_matches_bitbake(tmp_path: Path, text: str) -> None:
    conf = tmp_path / "t.conf"
    conf.write_text(text, encoding="utf-8")
    oracle = bb_load([str(conf)], [str(tmp_path)], expand_keys=True)
    config = load(conf)
    warnings = config.expand_keys()
    assert len(warnings) == sum("replaces original key" in w for w in oracle.warnings)
    result = Comparison()
    for name in sorted(set(oracle.values) | set(config.names())):
        if not name.startswith("__"):
            _compare_one(name, oracle.values.get(name), config, result)
    assert not result.diffs


def test_corpus_user_builds_loaded_together() -> None:
    """Each user build directory's .conf files evaluated in order into one datastore."""
    groups: dict[Path, list[Path]] = {}
    for path in corpus_files():
        if "/users/" in str(path) and path.suffix == ".conf":
            groups.setdefault(path.parent, []).append(path)
    groups = {d: sorted(files) for d, files in groups.items() if len(files) > 1}
    if not groups:
        shared_missing("../shared/corpus is not available")
    agree = 0
    for files in groups.values():
        result = compare([str(f) for f in files], corpus_bbpath(files[0]))
        if result.outcome_differs:
            assert _undecidable(result), (files, result)
        assert not result.diffs, (files, result.diffs)
        agree += result.agree
    assert agree > 100
