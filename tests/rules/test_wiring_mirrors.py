"""CD307/CD319 (the form of sstate mirror lines) and CD320/CD308 (pointing at the parent's
configured downloads and sstate), each as a table of configurations and expected findings."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from helpers.rulehelp import run

from confdrift.findings import Finding, Severity
from confdrift.rules import lookup
from confdrift.rules.mirrors import same_place, url_params

HTTP = "http://cache.example.com/sstate-cache"
DOCUMENTED = f"file://.* {HTTP}/PATH;downloadfilename=PATH"
WIRED = {
    "BB_SIGNATURE_HANDLER": "OEEquivHash",
    "BB_HASHSERVE": "auto",
    "BB_HASHSERVE_UPSTREAM": "cache.example.com:8686",
    "SSTATE_MIRRORS": DOCUMENTED,
}


def found(child: dict[str, str], prefix: str = "CD3", **settings: str) -> list[Finding]:
    result = run(child, None, SimpleNamespace(**settings) if settings else None)
    return sorted((f for f in result if f.code.startswith(prefix)), key=lambda f: f.code)


def mirrors(value: str) -> list[tuple[str, Severity, str | None]]:
    return [(f.code, f.severity, f.fix) for f in found({**WIRED, "SSTATE_MIRRORS": value})]


def fixed(line: str) -> str:
    return f'SSTATE_MIRRORS = "{line}"'


SSTATE_CASES = [
    ("documented HTTP form", DOCUMENTED, []),
    ("https documented form", "file://.* https://h/s/PATH;downloadfilename=PATH", []),
    ("HTTP without downloadfilename", f"file://.* {HTTP}/PATH",
     [("CD319", Severity.INFO, fixed(DOCUMENTED))]),
    ("HTTPS without downloadfilename", "file://.* https://h/s/PATH",
     [("CD319", Severity.INFO, fixed("file://.* https://h/s/PATH;downloadfilename=PATH"))]),
    ("file:// mirrors need no downloadfilename", "file://.* file:///srv/sstate/PATH", []),
    ("HTTP without PATH: the fix has PATH and downloadfilename", f"file://.* {HTTP}/",
     [("CD307", Severity.ERROR, fixed(DOCUMENTED))]),
    ("file:// without PATH: the fix has PATH only", "file://.* file:///srv/sstate",
     [("CD307", Severity.ERROR, fixed("file://.* file:///srv/sstate/PATH"))]),
    ("PATH only in a parameter is still no PATH",
     f"file://.* {HTTP};downloadfilename=PATH", [("CD307", Severity.ERROR, fixed(DOCUMENTED))]),
    ("downloadfilename without PATH stores every object under one name",
     f"file://.* {HTTP}/PATH;downloadfilename=sstate.tgz",
     [("CD307", Severity.ERROR, fixed(DOCUMENTED))]),
    ("other parameters are kept in the fix", f"file://.* {HTTP}/PATH;name=x",
     [("CD319", Severity.INFO, fixed(f"file://.* {HTTP}/PATH;name=x;downloadfilename=PATH"))]),
    ("one finding per HTTP pair", f"file://.* {HTTP}/PATH \\n file://.* https://b/PATH",
     [("CD319", Severity.INFO, fixed(DOCUMENTED)),
      ("CD319", Severity.INFO, fixed("file://.* https://b/PATH;downloadfilename=PATH"))]),
]


@pytest.mark.parametrize(("value", "expected"), [c[1:] for c in SSTATE_CASES],
                         ids=[c[0] for c in SSTATE_CASES])
def test_sstate_mirror_form(value: str, expected: list[tuple[str, Severity, str]]) -> None:
    assert mirrors(value) == expected


DL = "http://cache.example.com/downloads"
OWN = {"INHERIT": "own-mirrors"}
URL_FIX = f'SOURCE_MIRROR_URL = "{DL}/"'
POKY_PREMIRRORS = ("bzr://.*/.* http://downloads.yoctoproject.org/mirror/sources/ \\n "
                   "git://.*/.* http://downloads.yoctoproject.org/mirror/sources/")

DOWNLOAD_CASES = [
    ("SOURCE_MIRROR_URL points elsewhere (the auditor's case)",
     {"SOURCE_MIRROR_URL": "http://other.example.com/downloads"}, DL,
     [("CD310", 'INHERIT += "own-mirrors"'), ("CD320", URL_FIX)]),
    ("SOURCE_MIRROR_URL elsewhere, own-mirrors inherited",
     {"SOURCE_MIRROR_URL": "http://other.example.com/downloads/", **OWN}, DL,
     [("CD320", URL_FIX)]),
    ("SOURCE_MIRROR_URL at the parent's downloads", {"SOURCE_MIRROR_URL": f"{DL}/", **OWN}, DL,
     []),
    ("a trailing slash does not matter", {"SOURCE_MIRROR_URL": f"{DL}", **OWN}, f"{DL}/",
     []),
    ("a PREMIRRORS entry at the parent's downloads",
     {"PREMIRRORS": f"https?://.*/.* {DL}/ \\n git://.*/.* {DL}/"}, DL, []),
    ("only the distro's PREMIRRORS: fix adds own-mirrors", {"PREMIRRORS": POKY_PREMIRRORS}, DL,
     [("CD320", f'{URL_FIX}\nINHERIT += "own-mirrors"')]),
    ("no source mirror at all", {}, DL, [("CD320", f'{URL_FIX}\nINHERIT += "own-mirrors"')]),
    ("no source mirror, own-mirrors already inherited", OWN, DL, [("CD320", URL_FIX)]),
    ("the same DL_DIR", {"DL_DIR": "/srv/downloads"}, "/srv/downloads", []),
    ("a directory served as file://", {"SOURCE_MIRROR_URL": "file:///srv/downloads/", **OWN},
     "/srv/downloads", []),
    ("a directory the child does not use", {"DL_DIR": "/b/downloads"}, "/srv/downloads",
     [("CD320", 'SOURCE_MIRROR_URL = "file:///srv/downloads/"\nINHERIT += "own-mirrors"')]),
    ("a regex/URL pair is CD311's; its URL is the parent's",
     {"SOURCE_MIRROR_URL": f"file://.* {DL}/PATH;downloadfilename=PATH", **OWN}, DL, ["CD311"]),
    ("without parent-downloads nothing is compared",
     {"SOURCE_MIRROR_URL": "http://other.example.com/downloads/", **OWN}, "", []),
]


@pytest.mark.parametrize(("child", "served", "expected"), [c[1:] for c in DOWNLOAD_CASES],
                         ids=[c[0] for c in DOWNLOAD_CASES])
def test_child_points_at_parent_downloads(child: dict[str, str], served: str,
                                          expected: list[object]) -> None:
    result = found({**WIRED, **child}, parent_downloads=served)
    if expected and isinstance(expected[0], str):
        assert [f.code for f in result] == expected
    else:
        assert [(f.code, f.fix) for f in result] == expected


def test_download_mismatch_names_both_places() -> None:
    (finding,) = found({**WIRED, "SOURCE_MIRROR_URL": "http://other.example.com/downloads",
                        **OWN}, parent_downloads=DL)
    assert finding.severity is Severity.WARNING and finding.variable == "SOURCE_MIRROR_URL"
    assert "http://other.example.com/downloads" in finding.message and DL in finding.message
    assert finding.child is not None and finding.child.source.startswith("conf/local.conf:")


@pytest.mark.parametrize(("served", "mirror", "expected"), [
    ("/srv/sstate", "file://.* file:///srv/sstate/PATH", []),
    ("/srv/sstate", "file://.* file:///elsewhere/PATH",
     ['SSTATE_MIRRORS = "file://.* file:///srv/sstate/PATH"']),
    (HTTP, "file://.* http://other/PATH;downloadfilename=PATH", [fixed(DOCUMENTED)]),
    (f"{HTTP}/PATH", "file://.* http://other/PATH;downloadfilename=PATH", [fixed(DOCUMENTED)]),
])
def test_parent_sstate_fix_lines(served: str, mirror: str, expected: list[str]) -> None:
    result = found({**WIRED, "SSTATE_MIRRORS": mirror}, prefix="CD308", parent_sstate=served)
    assert [f.fix for f in result] == expected


@pytest.mark.parametrize(("url", "place", "same"), [
    ("http://h/dl/", "http://h/dl", True), ("http://h/dl/PATH;downloadfilename=PATH",
                                             "http://h/dl/", True),
    ("file:///srv/dl/PATH", "/srv/dl", True), ("file:///srv/dl", "file:///srv/dl/", True),
    ("http://h/dl", "http://h/other", False), ("http://h/dl", "", False),
])
def test_same_place(url: str, place: str, same: bool) -> None:
    assert same_place(url, place) is same


def test_url_params() -> None:
    assert url_params("http://h/PATH;downloadfilename=PATH;name=x") == {
        "downloadfilename": "PATH", "name": "x"}
    assert url_params("http://h/PATH") == {}


@pytest.mark.parametrize("code", ["CD319", "CD320"])
def test_new_rules_are_documented(code: str) -> None:
    rule = lookup(code)
    assert rule is not None and rule.check is not None
    for heading in ("## What it does", "## Why it matters", "## How to fix"):
        assert heading in rule.doc
