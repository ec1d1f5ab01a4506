"""kas project files: includes, merging, and the exact local.conf/bblayers.conf kas writes.

The expected texts follow kas 5.4's ``WriteBBConfig`` (see confdrift/kas.py); the layer order
cases are the ones kas's own ``tests/test_layers.py`` asserts.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from helpers.environment import shared_missing

from confdrift.build.kas import is_kas_file, load_kas, merge
from confdrift.errors import InputError

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures" / "kas"
CORPUS_KAS = REPO / "../shared/corpus/layers/kas"
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")


@pytest.fixture
def kasdir(tmp_path: Path) -> Path:
    """The fixtures copied outside any git work tree, so the work dir is the copy itself."""
    target = tmp_path / "kas"
    shutil.copytree(FIXTURES, target)
    return target


BASIC_LOCAL = """\
# aa-first
SSTATE_DIR = "/srv/sstate"

# zz-last
INHERIT += "rm_work"

MACHINE ??= "qemuarm64"
DISTRO ??= "poky"
BBMULTICONFIG ?= "second"
"""

BASIC_BBLAYERS = """\
# standard
POKY_BBLAYERS_CONF_VERSION = "2"

BBLAYERS ?= " \\
    ${TOPDIR}/../poky/meta \\
    ${TOPDIR}/../poky/meta-poky \\
    ${TOPDIR}/.."
BBPATH ?= "${TOPDIR}"
BBFILES ??= ""
"""

INCLUDE_LOCAL = """\
# base
PACKAGE_CLASSES = "package_ipk"

# mirrors
SSTATE_MIRRORS = "file://.* http://child/PATH"

MACHINE ??= "genericarm64"
DISTRO ??= "poky"
BBMULTICONFIG ?= ""
"""


def test_basic_project_texts(kasdir: Path) -> None:
    config = load_kas(kasdir / "basic" / "project.yml")
    assert config.local_conf == BASIC_LOCAL
    assert config.bblayers_conf == BASIC_BBLAYERS
    assert config.targets == ("core-image-minimal", "mc:second:core-image-base")


def test_includes_merge_depth_first_and_the_includer_wins(kasdir: Path) -> None:
    config = load_kas(kasdir / "include" / "main.yml")
    assert [p.name for p in config.files] == [
        "main.lock.yml",
        "base.yml",
        "machine.yml",
        "main.yml",
    ]
    assert config.local_conf == INCLUDE_LOCAL
    assert config.version == 16  # the highest version of the merged files


def test_lock_file_pins_the_commit(kasdir: Path) -> None:
    (poky,) = load_kas(kasdir / "include" / "main.yml").repos
    assert (poky.commit, poky.branch) == ("fedcba9876543210fedcba9876543210fedcba98", "scarthgap")
    assert not poky.present


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, {"SSTATE_MIRROR_URL": "http://default", "ONLY_IF_SET": None}),
        ({"ONLY_IF_SET": "x"}, {"SSTATE_MIRROR_URL": "http://default", "ONLY_IF_SET": "x"}),
    ],
)
def test_env_defaults_and_environment(
    kasdir: Path, environ: dict[str, str], expected: dict[str, str | None]
) -> None:
    assert load_kas(kasdir / "include" / "main.yml", environ=environ).env == expected


@pytest.mark.parametrize(
    ("environ", "line"),
    [
        ({"KAS_MACHINE": "qemuarm"}, 'MACHINE ??= "qemuarm"\n'),
        ({"KAS_DISTRO": "nodistro"}, 'DISTRO ??= "nodistro"\n'),
        ({"KAS_TARGET": "mc:a:x mc:b:y"}, 'BBMULTICONFIG ?= "a b"\n'),
    ],
)
def test_kas_environment_overrides(kasdir: Path, environ: dict[str, str], line: str) -> None:
    assert line in load_kas(kasdir / "basic" / "project.yml", environ=environ).local_conf


def test_build_dir_from_environment(kasdir: Path, tmp_path: Path) -> None:
    environ = {"KAS_BUILD_DIR": str(tmp_path / "out" / "b")}
    text = load_kas(kasdir / "basic" / "project.yml", environ=environ).bblayers_conf
    assert "${TOPDIR}/../../kas/basic/poky/meta \\\n" in text


def test_repo_include_on_disk_is_read_and_remote_is_reported(kasdir: Path) -> None:
    config = load_kas(kasdir / "repo-include" / "main.yml")
    assert config.machine == "custom-board"
    assert "DISTRO_FEATURES:append" in config.local_conf
    assert config.unresolved_includes == ("repo remote (not on disk): kas/remote.yml",)
    assert [(x.repo, x.name) for x in config.layers] == [
        ("remote", "meta-remote"),
        ("meta-custom", ""),
    ]


@pytest.mark.parametrize(
    ("repo", "expected"),
    [
        ("url: u\n    refspec: main", {"refspec": "main", "commit": None, "branch": None}),
        ("url: u\n    branch: main", {"refspec": None, "commit": None, "branch": "main"}),
        ("url: u\n    commit: c1", {"refspec": None, "commit": "c1", "branch": None}),
    ],
)
@pytest.mark.parametrize("pinned", [None, "c9"])
def test_refs_and_lock_overrides(
    tmp_path: Path, repo: str, expected: dict[str, str | None], pinned: str | None
) -> None:
    project = tmp_path / "p.yml"
    project.write_text(f"header:\n  version: 14\nrepos:\n  r:\n    {repo}\n")
    if pinned:
        lock = "header:\n  version: 14\noverrides:\n  repos:\n    r:\n      commit: c9\n"
        (tmp_path / "p.lock.yml").write_text(lock)
        key = "refspec" if expected["refspec"] else "commit"
        expected = {**expected, key: pinned}
    (r,) = load_kas(project).repos
    assert {"refspec": r.refspec, "commit": r.commit, "branch": r.branch} == expected


def test_json_project(kasdir: Path) -> None:
    config = load_kas(kasdir / "json" / "project.json")
    assert config.local_conf.startswith('# a\nA = "1"\nMACHINE ??= "qemuriscv64"\n')


def test_isar_rootless_line(tmp_path: Path) -> None:
    project = tmp_path / "isar.yml"
    project.write_text("header:\n  version: 14\nbuild_system: isar-rootless\n")
    assert load_kas(project).local_conf.endswith('ISAR_ROOTLESS ?= "1"\n')


def test_no_repos_writes_an_empty_bblayers(tmp_path: Path) -> None:
    project = tmp_path / "empty.yml"
    project.write_text("header:\n  version: 14\n")
    assert load_kas(project).bblayers_conf.startswith('BBLAYERS ?= " \\\n    "\nBBPATH')


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("bad-yaml.yml", 4, "not valid YAML"),
        ("no-header.yml", None, "no 'header: version:'"),
        ("future-version.yml", None, "version 99"),
        ("include-outside.yml", None, "outside repository"),
        ("include-missing.yml", None, "include not found: missing.yml"),
        ("header-not-text.yml", None, "'empty' must be a string"),
        ("bad-layer-value.yml", None, "bad value for layer meta"),
        ("top-level-list.yml", None, "mapping at the top level"),
        ("loop.yml", None, "include loop"),
        ("remote-without-ref.yml", None, "no commit, tag or branch"),
        ("refspec-mixed.yml", None, "legacy refspec mixed"),
    ],
)
def test_errors_are_input_errors_naming_the_file(
    kasdir: Path, name: str, line: int | None, words: str
) -> None:
    with pytest.raises(InputError) as info:
        load_kas(kasdir / "errors" / name)
    assert words in info.value.message
    assert info.value.filename is not None and info.value.filename.endswith(name)
    assert info.value.line == line


@pytest.mark.parametrize(
    ("dest", "upd", "expected"),
    [
        ({"a": 1}, {"b": 2}, {"a": 1, "b": 2}),
        ({"a": {"x": 1, "y": 2}}, {"a": {"y": 3}}, {"a": {"x": 1, "y": 3}}),
        ({"a": {"x": 1}}, {"a": None}, {"a": None}),
        ({"a": [1, 2]}, {"a": [3]}, {"a": [3]}),
    ],
)
def test_merge(
    dest: dict[str, object], upd: dict[str, object], expected: dict[str, object]
) -> None:
    assert merge(dest, upd) == expected
    assert list(merge(dest, upd)) == list(expected)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("a.yml", "anything", True),
        ("a.json", '{"header": {"version": 1}}', True),
        ("a.json", '{"name": "not kas"}', False),
        ("a.conf", 'A = "1"', False),
    ],
)
def test_is_kas_file(tmp_path: Path, name: str, text: str, expected: bool) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert is_kas_file(path) is expected


# --- kas's own example and test files ---------------------------------------------------------


def _corpus_files() -> list[Path]:
    if not CORPUS_KAS.is_dir():
        return []
    return sorted(p for p in CORPUS_KAS.rglob("*") if p.suffix in (".yml", ".yaml"))


@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: str(p.relative_to(CORPUS_KAS)))
def test_corpus_file_gives_text_or_input_error(path: Path, tmp_path: Path) -> None:
    try:
        config = load_kas(path, work_dir=tmp_path)
    except InputError as exc:
        assert exc.filename
        return
    assert 'MACHINE ??= "' in config.local_conf
    assert config.bblayers_conf.endswith('BBPATH ?= "${TOPDIR}"\nBBFILES ??= ""\n')


def test_corpus_present_or_skip() -> None:
    if not CORPUS_KAS.is_dir():
        shared_missing("shared corpus not available")
    assert len(_corpus_files()) >= 60


def _layer_paths(bblayers: str) -> list[str]:
    return [x.strip(' \\"') for x in bblayers.splitlines() if x.strip().startswith("${TOPDIR}")]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # kas tests/test_layers.py test_layers_prio: global priority, then repo, then layer.
        (
            "test-layer-prio.yml",
            [
                "02-kas/meta-foo",
                "01-kas/aa-test",
                "01-kas/zz-test",
                "",
                "01-kas",
                "02-kas/meta-bar",
            ],
        ),
        # test_layers_order/strip_dot/exclude: repo "kas4" is named zz-last, lives in aa-kas.
        (
            "test.yml",
            ["kas", "kas1/meta-bar", "kas1/meta-foo", "kas3", "kas3/meta-bar", "", "aa-kas/meta"],
        ),
    ],
)
def test_layer_order_matches_kas_tests(name: str, expected: list[str], tmp_path: Path) -> None:
    source = CORPUS_KAS / "tests" / "test_layers"
    if not source.is_dir():
        shared_missing("shared corpus not available")
    work = tmp_path / "test_layers"
    shutil.copytree(source, work)
    text = load_kas(work / name, work_dir=work).bblayers_conf
    base = "${TOPDIR}/.."
    assert [p.removeprefix(base).lstrip("/") for p in _layer_paths(text)] == expected


@pytest.mark.parametrize("form", ["string", "sequence"])
def test_concatenated_files_merge_in_order(kasdir: Path, form: str) -> None:
    base, extra = (
        kasdir / "include" / "kas" / "base.yml",
        kasdir / "include" / "kas" / "machine.yml",
    )
    arg: str | list[Path] = f"{base}:{extra}" if form == "string" else [base, extra]
    config = load_kas(arg)
    assert [p.name for p in config.files] == ["base.yml", "machine.yml"]
    assert (config.path, config.machine, config.version) == (base, "genericarm64", 16)


@needs_git
def test_concatenated_files_from_two_repositories_are_refused(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        subprocess.run(["git", "init", "-q", str(tmp_path / name)], check=True)
        (tmp_path / name / "k.yml").write_text("header:\n  version: 14\n")
    with pytest.raises(InputError, match="same repository"):
        load_kas(f"{tmp_path / 'a' / 'k.yml'}:{tmp_path / 'b' / 'k.yml'}")


def test_bitbake_env_keeps_only_values(kasdir: Path) -> None:
    config = load_kas(kasdir / "include" / "main.yml")
    assert config.bitbake_env == {"SSTATE_MIRROR_URL": "http://default"}
