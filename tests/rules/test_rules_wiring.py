"""CD3xx: each wiring rule fires on the configuration it is about, and only there."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from helpers.rulehelp import codes, run

from confdrift.rules.mirrors import Address, mirror_pairs, parse_address

WIRED = {
    "BB_SIGNATURE_HANDLER": "OEEquivHash",
    "BB_HASHSERVE": "auto",
    "BB_HASHSERVE_UPSTREAM": "parent.example.com:8686",
    "SSTATE_MIRRORS": "file://.* http://parent.example.com/sstate-cache/PATH;downloadfilename=PATH",
    "SSTATE_DIR": "/b/child/sstate-cache",
}
PARENT = {"BB_SIGNATURE_HANDLER": "OEEquivHash", "BB_HASHSERVE": "auto",
          "SSTATE_DIR": "/b/parent/sstate-cache"}


def wiring(child: dict[str, str], parent: dict[str, str] | None = PARENT,
           **settings: str) -> list[str]:
    found = run(child, parent, SimpleNamespace(**settings) if settings else None)
    return [c for c in codes(found) if c.startswith("CD3")]


def with_(**changes: str | None) -> dict[str, str]:
    values = dict(WIRED)
    for key, value in changes.items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    return values


CASES = [
    ("fully wired child", with_(), []),
    ("no upstream under a hash-equivalence parent", with_(BB_HASHSERVE_UPSTREAM=None), ["CD301"]),
    ("upstream ignored when BB_HASHSERVE is not auto",
     with_(BB_HASHSERVE="unix:///tmp/s.sock"), ["CD302"]),
    ("unknown handler falls back to noop", with_(BB_SIGNATURE_HANDLER="OEEquivHsh"), ["CD303"]),
    ("upstream with OEBasicHash is unused", with_(BB_SIGNATURE_HANDLER="OEBasicHash"), ["CD304"]),
    ("OEEquivHash without a server", with_(BB_HASHSERVE=None, BB_HASHSERVE_UPSTREAM=None),
     ["CD301", "CD305"]),
    ("http:// is not a hash-server address",
     with_(BB_HASHSERVE_UPSTREAM="http://parent.example.com:8686"), ["CD306"]),
    ("sstate mirror without PATH misses everything",
     with_(SSTATE_MIRRORS="file://.* http://parent.example.com/sstate-cache/"), ["CD307"]),
    ("a single-item sstate mirror is dropped",
     with_(SSTATE_MIRRORS="http://parent.example.com/sstate-cache/PATH"), ["CD307", "CD308"]),
    ("no sstate route at all", with_(SSTATE_MIRRORS=None), ["CD308"]),
    ("source mirror without own-mirrors",
     with_(SOURCE_MIRROR_URL="http://parent.example.com/downloads/"), ["CD310"]),
    ("source mirror given as a regex/URL pair",
     with_(SOURCE_MIRROR_URL="file://.* http://h/downloads/PATH;downloadfilename=PATH",
           INHERIT="own-mirrors"), ["CD311"]),
    ("no network kills the HTTP sstate mirror", with_(BB_NO_NETWORK="1"), ["CD312"]),
    ("network allowed for sstate mirrors", with_(BB_NO_NETWORK="1",
                                                 SSTATE_MIRROR_ALLOW_NETWORK="1"), []),
    ("premirror-only without a premirror", with_(BB_FETCH_PREMIRRORONLY="1"), ["CD313"]),
    ("odd PREMIRRORS", with_(PREMIRRORS="git://.*/.* http://h/ https://.*/.*"), ["CD314"]),
]


@pytest.mark.parametrize(("child", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_wiring_rules(child: dict[str, str], expected: list[str]) -> None:
    assert wiring(child) == expected


def test_known_parent_server_must_match() -> None:
    assert wiring(with_(), parent_hashserv="other.example.com:8686") == ["CD309"]
    assert wiring(with_(), parent_hashserv="parent.example.com:8686") == []


def test_known_parent_sstate_must_be_a_mirror_target() -> None:
    assert wiring(with_(), parent_sstate="http://cache.example.com/sstate") == ["CD308"]
    assert wiring(with_(), parent_sstate="http://parent.example.com/sstate-cache/") == []


def test_no_parent_runs_single_configuration_rules_only() -> None:
    assert wiring(with_(BB_HASHSERVE="nope:x"), parent=None) == ["CD302", "CD306"]


def test_fix_line_for_missing_upstream_names_the_known_server() -> None:
    found = run(with_(BB_HASHSERVE_UPSTREAM=None), PARENT,
                SimpleNamespace(parent_hashserv="hs.example.com:8686"))
    (cd301,) = [f for f in found if f.code == "CD301"]
    assert cd301.fix == 'BB_HASHSERVE_UPSTREAM = "hs.example.com:8686"'


@pytest.mark.parametrize(("value", "ok"), [
    ("host:8686", True), ("[::1]:8686", True), ("unix:///run/hashserv.sock", True),
    ("ws://host:8686/ws", True), ("wss://hashserv.yoctoproject.org/ws", True),
    ("http://host:8686", False), ("host", False), ("host:port", False), (":8686", False),
    (" host:8686", False), ("a:b:c", False), ("", False), ("unix://", False),
])
def test_address_forms(value: str, ok: bool) -> None:
    assert isinstance(parse_address(value), Address) is ok


def test_mirror_pairs_split_like_bitbake() -> None:
    pairs, leftover = mirror_pairs("a b \\n c d e")
    assert [(p.pattern, p.url) for p in pairs] == [("a", "b"), ("c", "d")]
    assert leftover == "e"
