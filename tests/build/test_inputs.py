"""What the user named on the command line: conf file, build directory or kas project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers.environment import shared_missing

from confdrift.build.inputs import BBLAYERS_CONF, BUILD_CONF_FILES, LOCAL_CONF, BuildInput, classify
from confdrift.errors import InputError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "inputs"
CORPUS_USERS = Path(__file__).resolve().parents[2] / "../shared/corpus/users"


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """The fixtures copied outside the git work tree (kas's work dir is then the copy)."""
    target = tmp_path / "inputs"
    shutil.copytree(FIXTURES, target)
    return target


def _present(build: BuildInput) -> dict[str, str | None]:
    fields = ("local_conf", "bblayers_conf", "site_conf", "auto_conf", "toolcfg_conf")
    return {f: (p.name if (p := getattr(build, f)) else None) for f in fields}


ALL = {
    "local_conf": "local.conf",
    "bblayers_conf": "bblayers.conf",
    "site_conf": "site.conf",
    "auto_conf": "auto.conf",
    "toolcfg_conf": "toolcfg.conf",
}
LOCAL_ONLY = {f: ("local.conf" if f == "local_conf" else None) for f in ALL}


@pytest.mark.parametrize(
    ("named", "kind", "topdir", "files"),
    [
        ("full-build", "builddir", "full-build", ALL),
        ("full-build/conf", "builddir", "full-build", ALL),
        ("minimal-build", "builddir", "minimal-build", LOCAL_ONLY),
        # A file of a build's conf/ names the build, as BitBake reads it (issue #5).
        ("minimal-build/conf/local.conf", "builddir", "minimal-build", LOCAL_ONLY),
        ("full-build/conf/site.conf", "builddir", "full-build", ALL),
    ],
)
def test_classify_files_and_build_dirs(
    inputs: Path, named: str, kind: str, topdir: str, files: dict[str, str | None]
) -> None:
    build = classify(inputs / named)
    assert (build.kind, build.topdir, build.path) == (kind, inputs / topdir, inputs / named)
    assert _present(build) == files
    assert build.generated == {} and build.kas is None


def test_conf_files_follow_bitbake_conf_order(inputs: Path) -> None:
    build = classify(inputs / "full-build")
    assert [p.name for p in build.conf_files] == [
        "site.conf",
        "auto.conf",
        "toolcfg.conf",
        "local.conf",
    ]


def test_conf_file_outside_a_conf_dir(tmp_path: Path) -> None:
    conf = tmp_path / "child.conf"
    conf.write_text('MACHINE = "x"\n')
    build = classify(conf)
    assert (build.kind, build.topdir, build.local_conf) == ("file", tmp_path, conf)


def test_kas_project(inputs: Path) -> None:
    build = classify(inputs / "kas" / "project.yaml")
    assert build.kind == "kas" and build.kas is not None
    assert (build.machine, build.distro, build.targets) == (
        "qemuarm64",
        "poky",
        ("core-image-base",),
    )
    assert build.topdir == inputs / "kas" / "build"
    assert build.layers == (inputs / "kas" / "meta-local",)
    assert build.generated[LOCAL_CONF].endswith(
        'MACHINE ??= "qemuarm64"\nDISTRO ??= "poky"\nBBMULTICONFIG ?= ""\n'
    )
    assert "${TOPDIR}/../meta-local" in build.generated[BBLAYERS_CONF]
    assert build.local_conf is None and build.conf_files == ()


def test_kas_environment_is_only_used_when_given(inputs: Path) -> None:
    project = inputs / "kas" / "project.yaml"
    assert classify(project, environ={"KAS_MACHINE": "other"}).machine == "other"
    assert classify(project).machine == "qemuarm64"


@pytest.mark.parametrize(
    ("named", "words"),
    [
        ("does-not-exist.conf", "no such file"),
        ("notes.txt", "not a BitBake .conf file"),
        ("not-kas.json", "not a BitBake .conf file"),
        ("kas/meta-local", "not a build directory"),
    ],
)
def test_unusable_inputs_are_input_errors(inputs: Path, named: str, words: str) -> None:
    with pytest.raises(InputError) as info:
        classify(inputs / named)
    assert words in info.value.message
    assert info.value.filename == str(inputs / named)


def test_kas_error_passes_through_with_the_file_name(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("header:\n  version: 14\nmachine: [\n")
    with pytest.raises(InputError) as info:
        classify(bad)
    assert info.value.filename == str(bad) and info.value.line is not None


def _user_confs() -> list[Path]:
    if not CORPUS_USERS.is_dir():
        return []
    return sorted(p for p in CORPUS_USERS.rglob("*") if p.is_file())


def test_every_user_corpus_file_is_a_conf_file_input() -> None:
    files = _user_confs()
    if not files:
        shared_missing("shared corpus not available")
    for path in files:
        build = classify(path)
        conf = path.absolute().parent
        in_build = conf.name == "conf" and (conf / "local.conf").is_file()
        if path.name in BUILD_CONF_FILES and in_build:
            # A file of a build's conf/ stands for the build, its local.conf included.
            assert (build.kind, build.local_conf) == ("builddir", conf / "local.conf")
        else:
            assert (build.kind, build.local_conf) == ("file", path.absolute())


@pytest.mark.parametrize(
    ("text", "machine", "distro"),
    [
        ('MACHINE ??= "a"\nDISTRO ?= "poky"\n', "a", "poky"),
        ('MACHINE ??= "a"\nMACHINE ??= "b"\n', "b", None),
        ('MACHINE ?= "a"\nMACHINE ?= "b"\nMACHINE ??= "c"\n', "a", None),
        ('MACHINE = "a"\nMACHINE ?= "b"\nMACHINE = "c"\n', "c", None),
        ('MACHINE = "${X}"\nDISTRO[doc] = "d"\n', None, None),
        ('MACHINE:pn-x = "a"\n', None, None),
        ("this is not bitbake\n", None, None),
    ],
)
def test_machine_and_distro_hints(
    tmp_path: Path, text: str, machine: str | None, distro: str | None
) -> None:
    conf = tmp_path / "conf" / "local.conf"
    conf.parent.mkdir()
    conf.write_text(text)
    for build in (classify(conf), classify(tmp_path)):
        assert (build.machine, build.distro) == (machine, distro)


def test_kas_concatenation_argument(inputs: Path, tmp_path: Path) -> None:
    extra = inputs / "kas" / "extra.yml"
    extra.write_text("header:\n  version: 14\nmachine: other\n")
    build = classify(f"{inputs / 'kas' / 'project.yaml'}:{extra}")
    assert (build.kind, build.path, build.machine) == (
        "kas",
        inputs / "kas" / "project.yaml",
        "other",
    )


def test_kas_build_dir_site_conf_is_still_read(inputs: Path) -> None:
    conf = inputs / "kas" / "build" / "conf"
    conf.mkdir(parents=True)
    (conf / "site.conf").write_text('DL_DIR ?= "/srv/dl"\n')
    (conf / "local.conf").write_text("# stale: kas rewrites it\n")
    build = classify(inputs / "kas" / "project.yaml")
    assert build.conf_files == (conf / "site.conf",)
