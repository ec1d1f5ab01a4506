"""The cooker's steps around the files, each checked against BitBake on a tiny layer tree.

Every case writes one or two layers (conf/layer.conf, and a conf/bitbake.conf that includes
conf/local.conf) plus a build directory into tmp_path; BitBake (tests/helpers/oracle_baseconfig.py)
and confdrift load it and must agree on every variable.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import oracle_baseconfig as ob
from helpers.environment import shared_missing

from confdrift.build.chain import detect_release, load_build, load_build_info

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "builds"
BITBAKE_CONF = 'include conf/site.conf\ninclude conf/local.conf\nAFTER = "${LAYERDIR}"\n'
BASE_LAYER = (
    'BBPATH .= ":${LAYERDIR}"\nBBFILE_COLLECTIONS += "base"\n'
    'LAYERSERIES_CORENAMES = "scarthgap"\nLAYERSERIES_COMPAT_base = "scarthgap"\n'
)

#: name -> (layer.conf of a second layer, local.conf)
CASES = {
    "layerdir-baked": ('X = "${LAYERDIR}/x"\n', ""),
    "baking-drops-pending": (
        'X = "${LAYERDIR} a b"\nX:remove = "a"\nX:append = " c"\nY:append = " ${LAYERDIR}"\n',
        'X:append = " late"\n',
    ),
    "baking-detaches-variants": (
        'Z = "${LAYERDIR_RE}"\nZ:base = "variant"\nOVERRIDES = "base"\n',
        "",
    ),
    "flags-keep-layerdir": ('F[doc] = "${LAYERDIR}"\nF = "v"\n', ""),
    "compat-sorted": (
        'BBFILE_COLLECTIONS += "two"\nLAYERSERIES_COMPAT_two = "scarthgap kirkstone"\n',
        "",
    ),
    "corenames-from-first-layer": ('LAYERSERIES_CORENAMES = "kirkstone"\n', ""),
    "local-conf-via-bbpath": ('BBPATH =. "${LAYERDIR}:"\n', 'L = "${TOPDIR}"\n'),
    "site-conf-first": ("", 'S ?= "local"\n'),
}


def _tree(tmp_path: Path, second_layer: str, local_conf: str) -> Path:
    base, extra = tmp_path / "base", tmp_path / "extra"
    for layer, conf in ((base, BASE_LAYER), (extra, second_layer)):
        (layer / "conf").mkdir(parents=True)
        (layer / "conf" / "layer.conf").write_text(conf)
    (base / "conf" / "bitbake.conf").write_text(BITBAKE_CONF)
    build = tmp_path / "build" / "conf"
    build.mkdir(parents=True)
    (build / "bblayers.conf").write_text(f'BBPATH = "${{TOPDIR}}"\nBBLAYERS = "{base} {extra}"\n')
    (build / "local.conf").write_text(local_conf)
    (build / "site.conf").write_text('S ?= "site"\n')
    return tmp_path / "build"


@pytest.mark.parametrize("case", sorted(CASES))
def test_cooker_steps_match_bitbake(tmp_path: Path, case: str) -> None:
    build = _tree(tmp_path, *CASES[case])
    oracle = ob.base_config(build, "scarthgap")
    ours = load_build(build, release="scarthgap")
    expected = {k: v for k, v in oracle.values.items() if not isinstance(v, ob.Unresolved)}
    assert {n: ours.get(n) for n in ours.names()} == expected
    for name in ("F", "Z"):
        assert ours.get_flag(name, "doc") == oracle.data.getVarFlag(name, "doc", False)


def test_release_detection_reads_the_core_layer(tmp_path: Path) -> None:
    build = _tree(tmp_path, "", "")
    _, context = load_build_info(build)
    assert (context.release, context.full_chain) == ("scarthgap", True)
    assert detect_release([str(tmp_path / "extra")]) is None


def test_missing_layer_falls_back_to_the_release_profile(tmp_path: Path) -> None:
    build = _tree(tmp_path, "", 'A = "1"\n')
    (tmp_path / "extra" / "conf" / "layer.conf").unlink()
    (tmp_path / "extra" / "conf").rmdir()
    (tmp_path / "extra").rmdir()
    ours, context = load_build_info(build)
    assert (context.release, context.full_chain) == ("scarthgap", False)
    assert ours.get("A") == "1"
    assert ours.get("AFTER") is None  # bitbake.conf was not read
    assert ours.history("LAYERSERIES_CORENAMES")[-1].file.startswith("release default")


FRAGMENT_CASES = [
    ("walnascar", "fragments-walnascar", {"BB_NUMBER_THREADS": "16"}),
    *(
        (
            release,
            "fragments",
            {
                "BB_HASHSERVE_UPSTREAM": "wss://hashserv.yoctoproject.org/ws",
                "MACHINE": "qemuarm64",
            },
        )
        for release in ("whinlatter", "wrynose", "master")
    ),
]


@pytest.mark.parametrize(("release", "fixture", "expected"), FRAGMENT_CASES)
def test_fragments_follow_local_conf(
    tmp_path: Path, release: str, fixture: str, expected: dict[str, str]
) -> None:
    if not ob.RELEASES_DIR.is_dir():
        shared_missing("../shared/releases is not available")
    text = (FIXTURES / fixture / "local.conf").read_text()
    build = ob.make_build(tmp_path / "build", release, text)
    oracle = ob.base_config(build, release).values
    ours = load_build(build)
    for name, value in expected.items():
        assert oracle[name] == value
        assert ours.get(name) == value
    for name in ("SSTATE_MIRRORS", "TUNE_FEATURES", "MACHINEOVERRIDES", "BB_NUMBER_THREADS"):
        if isinstance(oracle.get(name), ob.Unresolved):  # needs oe-core's Python library
            assert not ours.is_evaluated(name), name
        else:
            assert ours.get(name) == oracle.get(name), name


@pytest.mark.parametrize(
    ("layer_confs", "release"),
    [
        (['LAYERSERIES_CORENAMES = "wrynose blacksail"\n'], "master"),
        (
            ['LAYERSERIES_COMPAT_a = "styhead"\n', 'LAYERSERIES_COMPAT_b = "styhead walnascar"\n'],
            "styhead",
        ),
        (['LAYERSERIES_COMPAT_a = "kirkstone scarthgap"\n'], None),
        (['LAYERSERIES_COMPAT_a = "styhead"\n', 'LAYERSERIES_COMPAT_b = "walnascar"\n'], None),
        (['LAYERSERIES_COMPAT_a = "dunfell"\n'], None),
        ([], None),
    ],
)
def test_detect_release(tmp_path: Path, layer_confs: list[str], release: str | None) -> None:
    dirs = []
    for number, text in enumerate(layer_confs):
        (tmp_path / str(number) / "conf").mkdir(parents=True)
        (tmp_path / str(number) / "conf" / "layer.conf").write_text(text)
        dirs.append(str(tmp_path / str(number)))
    assert detect_release(dirs) == release
