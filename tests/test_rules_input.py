"""CD0xx: what BitBake refuses or silently reads otherwise, at the user's line."""

from __future__ import annotations

from pathlib import Path

import pytest

from confdrift import engine
from confdrift.build import view
from confdrift.config import load_settings
from confdrift.findings import Finding


def check(tmp_path: Path, text: str, release: str | None = "scarthgap") -> list[Finding]:
    conf = tmp_path / "build" / "conf"
    conf.mkdir(parents=True)
    (conf / "local.conf").write_text(text, encoding="utf-8")
    settings = load_settings(cli={"release": release}, cwd=tmp_path)
    return engine.check_one(view(str(tmp_path / "build"), settings), None, settings)


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
