"""Full-chain loading equals BitBake's own base configuration, on every release snapshot.

Each case builds a directory in tmp_path: ``conf/local.conf`` from ``fixtures/builds/<name>``
and a ``conf/bblayers.conf`` naming the release's oe-core (and poky's layers for the poky
cases). BitBake (tests/helpers/oracle_baseconfig.py) and confdrift load it; every variable both
define must be equal wherever confdrift evaluated it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import oracle_baseconfig as ob

from confdrift.build.chain import load_build, load_build_info
from confdrift.datastore.resolved import ResolvedConfig

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "builds"
#: local.conf fixture -> whether poky's layers are in bblayers.conf.
BUILDS = {
    "poky-qemux86-64": True,
    "poky-qemuarm64-musl": True,
    "poky-template": True,
    "nodistro-qemuarm64": False,
    "nodistro-settings": False,
}
#: The variables drift rules read; each must be compared, not skipped.
KEY_VARIABLES = [
    "MACHINE",
    "DISTRO",
    "PACKAGE_CLASSES",
    "TCLIBC",
    "DISTRO_FEATURES",
    "MACHINE_FEATURES",
    "TUNE_FEATURES",
    "DEFAULTTUNE",
    "OVERRIDES",
    "MACHINEOVERRIDES",
    "DISTROOVERRIDES",
    "IMAGE_FSTYPES",
    "INHERIT",
    "INIT_MANAGER",
    "PREFERRED_PROVIDER_virtual/kernel",
    "SSTATE_MIRRORS",
    "BB_SIGNATURE_HANDLER",
    "BB_HASHSERVE",
]
#: Set by conf/machine-sdk/${SDKMACHINE}.conf, and SDKMACHINE is ``${BUILD_ARCH}``, which is
#: ``os.uname()`` of the machine running BitBake: confdrift does not guess the host.
HOST_DEPENDENT = {
    "SDK_ARCH",
    "SDK_CC_ARCH",
    "SDK_MACHINE_FEATURES",
    "SDK_PACKAGE_ARCHS",
    "ABIEXTENSION:class-crosssdk",
    "ABIEXTENSION:class-nativesdk",
}


pytestmark = pytest.mark.usefixtures("shared_releases")


def _build(tmp_path: Path, release: str, name: str) -> Path:
    local_conf = (FIXTURES / name / "local.conf").read_text()
    return ob.make_build(tmp_path / "build", release, local_conf, poky_layers=BUILDS[name])


def _needs_host(value: str | None) -> bool:
    """Still refers to a host-dependent variable confdrift left unset (BitBake had a value)."""
    return any("${" + name + "}" in (value or "") for name in HOST_DEPENDENT)


def _differences(
    oracle: dict[str, str | ob.Unresolved], ours: ResolvedConfig
) -> tuple[dict[str, tuple[object, object]], int]:
    """Variables whose values differ, and how many were compared."""
    defined = set(ours.names())
    diffs: dict[str, tuple[object, object]] = {}
    compared = 0
    for name, value in oracle.items():
        if name in HOST_DEPENDENT or isinstance(value, ob.Unresolved):
            continue
        if name not in defined:
            diffs[name] = (value, None)
        elif ours.is_evaluated(name) and not _needs_host(ours.get(name)):
            compared += 1
            if ours.get(name) != value:
                diffs[name] = (value, ours.get(name))
    diffs.update({n: (None, ours.get(n)) for n in defined - set(oracle)})
    return diffs, compared


#: Key variables confdrift may leave unevaluated in the base configuration: OVERRIDES holds
#: ``pn-${PN}`` and PN is ``${@bb.parse.vars_from_file(...)}``, which pyexpr does not evaluate;
#: a variable with a ``:remove`` needs OVERRIDES to pick its active removals.
MAY_BE_UNEVALUATED = {"OVERRIDES", "DISTRO_FEATURES"}


@pytest.mark.parametrize("name", sorted(BUILDS))
@pytest.mark.parametrize("release", ob.RELEASES)
def test_full_chain_equals_bitbake(tmp_path: Path, release: str, name: str) -> None:
    build = _build(tmp_path, release, name)
    oracle = ob.base_config(build, release).values
    ours = load_build(build)
    diffs, compared = _differences(oracle, ours)
    assert diffs == {}
    assert compared > 1000
    for key in KEY_VARIABLES:  # compared, or unevaluated for a known reason
        if ours.is_evaluated(key):
            assert ours.get(key) == oracle.get(key), key
        else:
            assert key in MAY_BE_UNEVALUATED or isinstance(oracle.get(key), ob.Unresolved), key


@pytest.mark.parametrize("release", ob.RELEASES)
def test_release_is_detected_from_the_core_layer(tmp_path: Path, release: str) -> None:
    _, context = load_build_info(_build(tmp_path, release, "poky-qemux86-64"))
    assert (context.release, context.full_chain) == (release, True)


def test_explicit_layers_replace_bblayers(tmp_path: Path) -> None:
    build = _build(tmp_path, "scarthgap", "poky-qemux86-64")
    ours = load_build(build, layers=ob.release_layers("scarthgap", distro_layer=False))
    assert ours.get("DISTRO_VERSION") == "nodistro.0"  # poky.conf is not on BBPATH any more


def test_layerdir_is_baked_into_values(tmp_path: Path) -> None:
    build = _build(tmp_path, "walnascar", "poky-qemux86-64")
    ours = load_build(build)
    meta = str(ob.release_layers("walnascar")[0])
    assert ours.get("LAYERDIR") is None
    assert meta in (ours.get_unexpanded("BBPATH") or "")
    assert ours.get("LAYERSERIES_CORENAMES") == "walnascar"
