"""CD0xx: what BitBake refuses or silently reads otherwise, at the user's line."""

from __future__ import annotations

from pathlib import Path

import pytest

from confdrift.build.resolve import resolve_build as view
from confdrift.check import engine
from confdrift.check.settings import load_settings
from confdrift.findings import Finding


def check(tmp_path: Path, text: str, release: str | None = "scarthgap") -> list[Finding]:
    conf = tmp_path / "build" / "conf"
    conf.mkdir(parents=True)
    (conf / "local.conf").write_text(text, encoding="utf-8")
    settings = load_settings(cli={"release": release}, cwd=tmp_path)
    return engine.check_build(view(str(tmp_path / "build"), settings), None, settings)


def codes(found: list[Finding]) -> list[tuple[str, int]]:
    return sorted((f.code, f.location.line if f.location else 0) for f in found
                  if f.code.startswith("CD0"))


@pytest.mark.parametrize(("text", "expected"), [
    ('A = "x"  # note\n', [("CD002", 1)]),
    ('A = "x"\n  B = "y"\n', [("CD001", 2)]),
    ('IMAGE_INSTALL_append = " x"\n', [("CD003", 1)]),
    ('LICENSE_FLAGS_WHITELIST = "commercial"\n', [("CD004", 1)]),
    ('DISTRO ?= "poky"\nDISTRO_FEATURES += "systemd"\n', [("CD006", 2)]),
    ('DISTRO ?= "poky"\nDISTRO_FEATURES:append = " systemd"\n', []),
    ('require nonexistent.inc\n', [("CD005", 1)]),
    # poky.conf's TARGET_VENDOR = "-poky" is read after local.conf: the line does nothing
    ('DISTRO ?= "poky"\nTARGET_VENDOR = "-foo"\n', [("CD007", 2)]),
    ('DISTRO ?= "poky"\nTARGET_VENDOR = "-poky"\n', []),
])
def test_input_rules(tmp_path: Path, text: str, expected: list[tuple[str, int]]) -> None:
    assert codes(check(tmp_path, text)) == expected


def test_a_rejected_line_does_not_hide_the_rest(tmp_path: Path) -> None:
    found = check(tmp_path, 'BB_HASHSERVE = "auto"  # c\nBB_HASHSERVE_UPSTREAM = "http://h:1"\n')
    assert {f.code for f in found} >= {"CD002", "CD306"}


def test_fix_for_a_comment_after_a_value_keeps_the_value(tmp_path: Path) -> None:
    (found,) = [f for f in check(tmp_path, 'MACHINE = "qemuarm64"  # arm\n') if f.code == "CD002"]
    assert found.variable == "MACHINE"
    assert found.fix == 'MACHINE = "qemuarm64"'


def _cd006(found: list[Finding]) -> list[int]:
    return [f.location.line if f.location else 0 for f in found if f.code == "CD006"]


@pytest.mark.parametrize(("text", "expected"), [
    # poky.conf:57 is itself INHERIT += "poky-sanity" (a profile's empty ?= plus an
    # :append): both += apply, nothing is lost
    ('DISTRO = "poky"\nINHERIT += "own-mirrors"\n', []),
    ('INHERIT += "own-mirrors"\n', []),
    ('DISTRO = "poky"\nINHERIT =+ "own-mirrors"\n', []),
    ('DISTRO = "poky"\nINHERIT:append = " own-mirrors"\n', []),
    # an empty default (defaultsetup.conf's USER_CLASSES ?= "") gives no words to lose
    ('DISTRO = "poky"\nUSER_CLASSES += "buildstats"\n', []),
    # poky.conf's DISTRO_FEATURES ?= "..." no longer applies
    ('DISTRO = "poky"\nDISTRO_FEATURES += "systemd"\n', [2]),
    ('DISTRO = "poky"\nDISTRO_FEATURES =+ "systemd"\n', [2]),
    ('DISTRO = "poky"\nDISTRO_FEATURES .= " systemd"\n', [2]),
    ('DISTRO = "poky"\nDISTRO_FEATURES += "a"\nDISTRO_FEATURES += "b"\n', [2, 3]),
    # a += does not build on bitbake.conf's weak DISTRO_NAME ??= "OpenEmbedded" either
    ('DISTRO_NAME += "x"\n', [1]),
    # the user's own = already replaced the default: the += loses nothing more
    ('DISTRO = "poky"\nDISTRO_FEATURES = "acl"\nDISTRO_FEATURES += "systemd"\n', []),
    # a later = replaces the += itself: no default is lost to it
    ('DISTRO = "poky"\nDISTRO_FEATURES += "systemd"\nDISTRO_FEATURES = "acl"\n', []),
])
def test_default_lost_only_when_a_default_with_words_stops_applying(
        tmp_path: Path, text: str, expected: list[int]) -> None:
    assert _cd006(check(tmp_path, text)) == expected


@pytest.mark.parametrize(("text", "code", "fix"), [
    ('IMAGE_INSTALL_append = " foo"\n', "CD003", 'IMAGE_INSTALL:append = " foo"'),
    ('IMAGE_INSTALL_prepend = "foo "\n', "CD003", 'IMAGE_INSTALL:prepend = "foo "'),
    ('DISTRO_FEATURES_remove = "x11"\n', "CD003", 'DISTRO_FEATURES:remove = "x11"'),
    ('PACKAGECONFIG_append_pn-busybox = " x"\n', "CD003",
     'PACKAGECONFIG:append:pn-busybox = " x"'),
    ('SRC_URI_append_class-target = " file://a"\n', "CD003",
     'SRC_URI:append:class-target = " file://a"'),
    ('IMAGE_INSTALL_append += "foo"\n', "CD003", 'IMAGE_INSTALL:append += "foo"'),
    ('export EXTRA_OECONF_append = " --x"\n', "CD003", 'export EXTRA_OECONF:append = " --x"'),
    ("EXTRA_OECONF_append = ' --x=\"y\"'\n", "CD003", "EXTRA_OECONF:append = ' --x=\"y\"'"),
    ('LICENSE_FLAGS_WHITELIST = "commercial"\n', "CD004", 'LICENSE_FLAGS_ACCEPTED = "commercial"'),
    ('LICENSE_FLAGS_WHITELIST += "commercial"\n', "CD004",
     'LICENSE_FLAGS_ACCEPTED += "commercial"'),
    ('export BB_ENV_EXTRAWHITE ?= "FOO"\n', "CD004",
     'export BB_ENV_PASSTHROUGH_ADDITIONS ?= "FOO"'),
    ('BB_HASHBASE_WHITELIST:append = " FOO"\n', "CD004",
     'BB_BASEHASH_IGNORE_VARS:append = " FOO"'),
    # a removed variable has no new name to write: nothing to put in instead
    ('INHERIT_BLACKLIST = "x"\n', "CD004", None),
])
def test_old_spelling_fix_is_the_statement_rewritten(
        tmp_path: Path, text: str, code: str, fix: str | None) -> None:
    (found,) = [f for f in check(tmp_path, text) if f.code == code]
    assert found.fix == fix
