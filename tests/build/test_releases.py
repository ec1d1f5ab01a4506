"""Release profiles: a lone local.conf plus the profile resolves like the full chain.

The full chain is BitBake's own (tests/helpers/oracle_baseconfig.py) on the release snapshot; the
profile side has nothing but conf/local.conf on disk.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import oracle_baseconfig as ob

from confdrift.build import profiles as releases
from confdrift.build.chain import load_build, load_build_info
from confdrift.errors import UsageError
from confdrift.syntax import releases as table

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "builds"
#: local.conf fixtures (None) and inline texts. None changes TCLIBC or TCMODE: a profile is
#: measured per distro, machine and init manager, and those select other include files too.
VARIANTS = {
    "poky-qemux86-64": None,
    "poky-template": None,
    "nodistro-sysvinit": 'MACHINE = "qemuarm64"\nINIT_MANAGER = "sysvinit"\n',
    "nodistro-qemuarm64": None,
    "nodistro-settings": None,
    "silent": "",
    "poky-no-machine": 'DISTRO = "poky"\n',
    "poky-qemux86-own-values": (
        'MACHINE = "qemux86"\nDISTRO = "poky"\nPACKAGE_CLASSES ?= "package_ipk"\n'
        'IMAGE_FSTYPES = "ext4"\nBB_SIGNATURE_HANDLER = "OEBasicHash"\n'
        'DISTRO_FEATURES:remove = "wayland"\nTUNE_FEATURES:append = " extra"\n'
    ),
}


def _local_conf(variant: str) -> str:
    inline = VARIANTS[variant]
    return (FIXTURES / variant / "local.conf").read_text() if inline is None else inline


def _lone(tmp_path: Path, text: str) -> Path:
    conf = tmp_path / "child" / "conf"
    conf.mkdir(parents=True)
    (conf / "local.conf").write_text(text)
    return tmp_path / "child"


@pytest.mark.parametrize("release", releases.known_releases())
def test_every_release_has_a_profile_for_each_distro(release: str) -> None:
    assert set(releases.distros(release)) == {"nodistro", "poky", "poky-altcfg", "poky-tiny"}
    for distro in releases.distros(release):
        assert {"", "qemux86-64", "qemuarm64"} <= set(releases.machines(release, distro))
    assert "systemd" in releases.init_managers(release, "poky")
    profile = releases.profile(release, "poky", "qemux86-64")
    record = table.get(release)
    assert profile.bitbake_version == record.bitbake_version
    assert profile.variables["LAYERSERIES_CORENAMES"].value == " ".join(record.corenames)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("release", releases.known_releases())
def test_profile_resolves_like_the_full_chain(
    shared_releases: Path, tmp_path: Path, release: str, variant: str
) -> None:
    text = _local_conf(variant)
    poky = "poky" in text
    full = ob.base_config(
        ob.make_build(tmp_path / "full", release, text, poky_layers=poky), release
    )
    ours, context = load_build_info(_lone(tmp_path, text), release=release)
    profile = releases.profile(release, context.distro, context.machine, context.init_manager)
    compared = 0
    for name, default in profile.variables.items():
        expected = full.values.get(name)
        if default.unresolved or isinstance(expected, ob.Unresolved):
            continue
        if ours.is_evaluated(name):
            compared += 1
            # Build-directory defaults (DL_DIR, SSTATE_DIR) follow each build's own TOPDIR.
            mine, theirs = ours.get(name), expected
            if mine is not None and isinstance(theirs, str):
                mine = mine.replace(str(tmp_path / "child"), "${TOPDIR}")
                theirs = theirs.replace(str(tmp_path / "full"), "${TOPDIR}")
            assert mine == theirs, name
    assert compared >= 30


def test_a_default_is_labelled_with_its_release_source(tmp_path: Path) -> None:
    ours = load_build(_lone(tmp_path, 'DISTRO = "poky"\n'), release="scarthgap")
    assert ours.get("PACKAGE_CLASSES") == "package_rpm"
    last = ours.history("PACKAGE_CLASSES")[-1]
    assert (last.file, last.line) == ("release default, scarthgap, poky.conf", 33)


def test_local_values_beat_the_profile(tmp_path: Path) -> None:
    text = 'DISTRO = "poky"\nPACKAGE_CLASSES = "package_ipk"\n'
    ours = load_build(_lone(tmp_path, text), release="scarthgap")
    assert ours.get("PACKAGE_CLASSES") == "package_ipk"
    assert ours.history("PACKAGE_CLASSES")[0].file.endswith("local.conf")


def test_without_a_release_only_local_conf_is_read(tmp_path: Path) -> None:
    ours, context = load_build_info(_lone(tmp_path, 'DISTRO = "poky"\n'))
    assert (context.release, context.full_chain) == (None, False)
    assert ours.get("PACKAGE_CLASSES") is None


@pytest.mark.parametrize(
    ("distro", "machine", "expected"),
    [
        ("poky", "qemuarm64", ("poky", "qemuarm64")),
        ("mydistro", "qemuarm64", ("nodistro", "qemuarm64")),
        ("poky", "my-board", ("poky", "")),
        (None, None, ("nodistro", "")),
    ],
)
def test_unknown_distro_or_machine_falls_back(
    distro: str | None, machine: str | None, expected: tuple[str, str]
) -> None:
    profile = releases.profile("walnascar", distro, machine)
    assert (profile.distro, profile.machine) == expected


@pytest.mark.parametrize(
    ("corenames", "release"),
    [("scarthgap", "scarthgap"), ("wrynose blacksail", "master"), ("honister", None)],
)
def test_release_for_corenames(corenames: str, release: str | None) -> None:
    assert releases.release_for_corenames(corenames) == release


def test_unknown_release_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown release 'dunfell'"):
        releases.profile("dunfell", "poky", "qemux86-64")


def _snapshot_file(release: str, relative: str) -> Path | None:
    for repo in ("openembedded-core", "poky"):
        candidate = ob.RELEASES_DIR / release / repo / relative
        if candidate.is_file():
            return candidate
    return None


@pytest.mark.parametrize("release", releases.known_releases())
def test_every_source_names_a_real_line(shared_releases: Path, release: str) -> None:
    for distro in releases.distros(release):
        for machine in releases.machines(release, distro):
            for variable in releases.profile(release, distro, machine).variables.values():
                for default in variable.statements:
                    found = _snapshot_file(release, default.file)
                    assert found is not None, (variable.name, default.file)
                    assert 1 <= default.line <= len(found.read_text().splitlines())
