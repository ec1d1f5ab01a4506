"""Every BitBake/Yocto release confdrift knows, one record each, oldest first.

A record holds all that differs between releases: the name, the BitBake version and its
parser dialect, oe-core's core names, and the ways the cooker behaves differently. Code that
behaves differently per release reads a field of the release's record: no module compares
version numbers or release names (tests/test_release_table.py checks both).

To add a release: add its record at the end of ``RELEASES`` (the newest last), then generate
its data from the snapshot in ``../shared/releases/<name>``: the profile
(``scripts/gen_release_profiles.py <name>`` writes ``confdrift/build/profiles/<name>.json``)
and its signature lists (``scripts/gen_ignore_vars.py`` rewrites
``confdrift/knowledge/ignore_vars.toml``).

The table sits in ``syntax`` because the parser needs the dialects; the stages above read
the rest from here.
"""

from __future__ import annotations

from typing import NamedTuple

from confdrift.errors import UsageError
from confdrift.syntax.dialect import Dialect

#: Characters every BitBake accepts after the first one in ``VAR[flag]`` names.
_FLAG = r"a-zA-Z0-9\-_+."


class Release(NamedTuple):
    """One release: its name, its BitBake, and what its cooker does differently."""

    #: The Yocto Project name (the branch name of its layers), e.g. ``scarthgap``.
    name: str
    #: The syntax its BitBake accepts; ``dialect.version`` is the BitBake version.
    dialect: Dialect
    #: ``LAYERSERIES_CORENAMES`` of its oe-core (the series the core layer declares).
    corenames: tuple[str, ...]
    #: ``BB_CURRENT_MC`` of the main configuration: BitBake before 2.12 named it
    #: ``"default"`` (its bitbake.conf requires ``conf/multiconfig/${BB_CURRENT_MC}.conf``),
    #: 2.12 and later ``""``.
    main_multiconfig_name: str
    #: bitbake.conf includes ``conf/toolcfg.conf`` (from 2.16, whinlatter, on).
    reads_toolcfg_conf: bool
    #: The hash-equivalence client can reach a ``ws://``/``wss://`` server (2.0 could not).
    hashserv_websockets: bool
    #: A layer path naming the release counts as a hint of it ("master" means too many
    #: things in a path to tell a release).
    named_in_paths: bool = True

    @property
    def bitbake_version(self) -> str:
        return self.dialect.version


RELEASES: tuple[Release, ...] = (
    Release(
        "kirkstone",
        Dialect("2.0", include_all=False, addfragments_args=0, addpylib=False,
                flag_chars=_FLAG, unset_flag_min=1, unset_flag_at=False,
                empty_name_error=False, whitespace_warning=False),
        corenames=("kirkstone",),
        main_multiconfig_name="default",
        reads_toolcfg_conf=False,
        hashserv_websockets=False,
    ),
    Release(
        "scarthgap",
        Dialect("2.8", include_all=False, addfragments_args=0, addpylib=True,
                flag_chars=_FLAG + "@", unset_flag_min=2, unset_flag_at=True,
                empty_name_error=False, whitespace_warning=False),
        corenames=("scarthgap",),
        main_multiconfig_name="default",
        reads_toolcfg_conf=False,
        hashserv_websockets=True,
    ),
    Release(
        "styhead",
        Dialect("2.10", include_all=False, addfragments_args=0, addpylib=True,
                flag_chars=_FLAG + "@", unset_flag_min=2, unset_flag_at=True,
                empty_name_error=False, whitespace_warning=False),
        corenames=("styhead",),
        main_multiconfig_name="default",
        reads_toolcfg_conf=False,
        hashserv_websockets=True,
    ),
    Release(
        "walnascar",
        Dialect("2.12", include_all=True, addfragments_args=3, addpylib=True,
                flag_chars=_FLAG + "@/", unset_flag_min=2, unset_flag_at=True,
                empty_name_error=True, whitespace_warning=False),
        corenames=("walnascar",),
        main_multiconfig_name="",
        reads_toolcfg_conf=False,
        hashserv_websockets=True,
    ),
    Release(
        "whinlatter",
        Dialect("2.16", include_all=True, addfragments_args=4, addpylib=True,
                flag_chars=_FLAG + "@/", unset_flag_min=2, unset_flag_at=True,
                empty_name_error=True, whitespace_warning=True),
        corenames=("whinlatter",),
        main_multiconfig_name="",
        reads_toolcfg_conf=True,
        hashserv_websockets=True,
    ),
    Release(
        "wrynose",
        Dialect("2.18", include_all=True, addfragments_args=4, addpylib=True,
                flag_chars=_FLAG + "@/", unset_flag_min=2, unset_flag_at=True,
                empty_name_error=True, whitespace_warning=True),
        corenames=("wrynose",),
        main_multiconfig_name="",
        reads_toolcfg_conf=True,
        hashserv_websockets=True,
    ),
    Release(
        "master",
        Dialect("2.19", include_all=True, addfragments_args=4, addpylib=True,
                flag_chars=_FLAG + "@/", unset_flag_min=2, unset_flag_at=True,
                empty_name_error=True, whitespace_warning=True),
        corenames=("blacksail", "wrynose"),
        main_multiconfig_name="",
        reads_toolcfg_conf=True,
        hashserv_websockets=True,
        named_in_paths=False,
    ),
)

#: The release whose BitBake reads a build of unknown release (the newest).
NEWEST = RELEASES[-1]
_BY_NAME = {r.name: r for r in RELEASES}
_BY_VERSION = {r.bitbake_version: r for r in RELEASES}


def names() -> tuple[str, ...]:
    """The known release names, oldest first."""
    return tuple(_BY_NAME)


def by_name(name: str | None) -> Release | None:
    """The record of a release name; ``None`` for an unknown (or no) name."""
    return _BY_NAME.get(name or "")


def get(name: str) -> Release:
    """The record of a release name; an unknown name is a usage error."""
    found = _BY_NAME.get(name)
    if found is None:
        known = ", ".join(_BY_NAME)
        raise UsageError(f"unknown release {name!r}; known releases: {known}")
    return found


def by_version(version: str | None) -> Release:
    """The release of a BitBake version ("2.0" … "2.19"); ``None`` means the newest."""
    if version is None:
        return NEWEST
    found = _BY_VERSION.get(version)
    if found is None:
        known = ", ".join(_BY_VERSION)
        raise UsageError(f"unknown BitBake version {version!r}; known versions: {known}")
    return found


def by_corenames(corenames: str) -> Release | None:
    """The release whose oe-core declares these LAYERSERIES_CORENAMES (any order)."""
    wanted = tuple(sorted(corenames.split()))
    return next((r for r in RELEASES if tuple(sorted(r.corenames)) == wanted), None)


def dialect(version: str | None) -> Dialect:
    """The dialect of a BitBake version ("2.0" … "2.19"); ``None`` means the newest."""
    return by_version(version).dialect
