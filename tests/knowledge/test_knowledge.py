"""The knowledge base loader: validation, name resolution, comparison and verdicts."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from confdrift.errors import UsageError
from confdrift.findings import Severity
from confdrift.knowledge import (
    Compare,
    KnowledgeError,
    Scope,
    VariableEntry,
    differing_items,
    knowledge,
    load,
    normalise,
    same,
    verdict,
)

MINIMAL: dict[str, Any] = {
    "schema": 1,
    "releases": ["scarthgap"],
    "severity_by_scope": {s.value: "info" for s in Scope},
    "variables": {
        "FOO": {"scope": "none", "severity": "info", "compare": "string",
                "why": "a reason", "evidence": ["meta/conf/bitbake.conf: FOO"]},
    },
}
IGNORE: dict[str, Any] = {
    "scarthgap": {"BB_BASEHASH_IGNORE_VARS": ["TMPDIR"], "BB_HASHCONFIG_IGNORE_VARS": [],
                  "BB_SIGNATURE_EXCLUDE_FLAGS": ["doc"], "renamed": {"OLD": "NEW"}},
}


def _with(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(MINIMAL)
    table = doc
    for key in path[:-1]:
        table = table[key]
    table[path[-1]] = value
    return doc


def test_minimal_document_loads() -> None:
    kb = load(MINIMAL, IGNORE)
    assert [e.name for e in kb.entries()] == ["FOO"]
    assert kb.ignored("TMPDIR", "scarthgap") and not kb.ignored("FOO", "scarthgap")


def _foo(key: str, value: Any) -> dict[str, Any]:
    return _with(("variables", "FOO", key), value)


BAD_DOCUMENTS = [
    pytest.param(_foo("scoop", "all"), "unknown key(s) scoop", id="typo-key"),
    pytest.param(_foo("scope", "global"), "unknown scope 'global'", id="scope"),
    pytest.param(_foo("severity", "fatal"), "unknown severity", id="severity"),
    pytest.param(_foo("compare", "set"), "unknown compare", id="compare"),
    pytest.param(_foo("why", "  "), "expected non-empty text", id="empty-why"),
    pytest.param(_foo("since", "dunfell"), "unknown release", id="since"),
    pytest.param(_foo("severity", "error"), "add severity_reason",
                 id="severity-off-rule"),
    pytest.param(_foo("items", {"x": {"severity": "info"}}),
                 "items need compare", id="items-not-words"),
    pytest.param(_foo("tail_severity", "info"), "tail_severity needs",
                 id="tail-not-list"),
    pytest.param(_foo("measured", [{"variation": "v", "change": "c",
                 "parent": "", "child": "x"}]), "needs both figures", id="measured-no-figures"),
    pytest.param(_foo("measured", [{"variation": "v", "change": "c",
                 "parent": "", "child": "x", "setscene_reusable": 120, "tasks_changed": 1}]),
                 "percentage", id="measured-range"),
    pytest.param(_foo("renamed_from", [{"name": "X", "release": "zeus"}]),
                 "unknown release", id="rename-release"),
    pytest.param(_with(("variables", "FOO[doc]"), MINIMAL["variables"]["FOO"]),
                 "not a variable name", id="flag-as-name"),
    pytest.param(_with(("schema",), 2), "schema must be 1", id="schema-version"),
    pytest.param(_with(("extra",), 1), "unknown key(s) extra", id="top-level-key"),
    pytest.param(_with(("severity_by_scope",), {"all": "error"}), "missing scope(s)",
                 id="rule-incomplete"),
]


@pytest.mark.parametrize(("doc", "message"), BAD_DOCUMENTS)
def test_bad_document_is_a_clear_error(doc: dict[str, Any], message: str) -> None:
    with pytest.raises(KnowledgeError, match=r"variables|severity_by_scope") as err:
        load(doc, IGNORE)
    assert message in str(err.value)


def test_ignore_list_for_unlisted_release_is_refused() -> None:
    with pytest.raises(KnowledgeError, match="kirkstone"):
        load(MINIMAL, {"kirkstone": IGNORE["scarthgap"]})


def test_unknown_release_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"known: .*scarthgap"):
        knowledge().ignored("TMPDIR", "dunfell")


def test_packaged_data_parses_and_is_cached() -> None:
    assert knowledge() is knowledge()
    assert len(knowledge().entries()) >= 100


NAMES = [
    ("DISTRO", "DISTRO", Scope.ALL, None),
    ("DISTRO_FEATURES:append", "DISTRO_FEATURES", Scope.TARGET, None),
    ("DISTRO_FEATURES:remove:qemux86-64", "DISTRO_FEATURES", Scope.TARGET, None),
    ("PACKAGECONFIG:pn-busybox", "PACKAGECONFIG", Scope.RECIPE, "busybox"),
    ("PACKAGECONFIG:append:pn-qemu-system-native", "PACKAGECONFIG", Scope.RECIPE,
     "qemu-system-native"),
    ("DISTRO_FEATURES:pn-glibc", "DISTRO_FEATURES", Scope.RECIPE, "glibc"),
    ("DL_DIR:pn-foo", "DL_DIR", Scope.NONE, "foo"),
    ("PREFERRED_PROVIDER_virtual/kernel", "PREFERRED_PROVIDER_*", Scope.RECIPE, None),
    ("PREFERRED_PROVIDER_virtual/x86_64-poky-linux-gcc", "PREFERRED_PROVIDER_virtual/*gcc",
     Scope.TARGET, None),
    ("PREFERRED_PROVIDER_virtual/libc", "PREFERRED_PROVIDER_virtual/libc", Scope.TARGET, None),
    ("VIRTUAL-RUNTIME_dev_manager", "VIRTUAL-RUNTIME_*", Scope.PACKAGING, None),
]


@pytest.mark.parametrize(("name", "entry_name", "scope", "recipe"), NAMES)
def test_entry_resolves_qualified_names(
    name: str, entry_name: str, scope: Scope, recipe: str | None
) -> None:
    entry = knowledge().entry(name)
    assert entry is not None
    assert (entry.name, entry.scope, entry.recipe) == (entry_name, scope, recipe)


@pytest.mark.parametrize("name", ["MY_OWN_VARIABLE", "PREFERRED_PROVIDER_virtual/kernel[doc]"])
def test_unknown_variables_and_flags_have_no_entry(name: str) -> None:
    assert knowledge().entry(name) is None


RECIPE_SEVERITY = [
    ("PACKAGECONFIG:pn-glibc", Severity.ERROR),  # foundational: most of the graph
    ("PACKAGECONFIG:pn-busybox", Severity.WARNING),
    ("DISTRO_FEATURES:pn-busybox", Severity.WARNING),  # error entry narrowed to one recipe
    ("IMAGE_INSTALL:pn-core-image-minimal", Severity.INFO),
]


@pytest.mark.parametrize(("name", "severity"), RECIPE_SEVERITY)
def test_recipe_qualified_severity(name: str, severity: Severity) -> None:
    entry = knowledge().entry(name)
    assert entry is not None and entry.severity is severity


NORMALISE = [
    (Compare.STRING, " a ", " a "),
    (Compare.WORDS, "b a  a", frozenset({"a", "b"})),
    (Compare.LIST, " b  a ", ("b", "a")),
    (Compare.ORDERED_COLON, "a:b::c", ("a", "b", "c")),
    (Compare.PATH, "/srv//x/./y/", "/srv/x/y"),
    (Compare.PATH, None, ""),
    (Compare.URL_PAIRS, "file://.* http://h/PATH \\n https?://.* http://m/", (
        ("file://.*", "http://h/PATH"), ("https?://.*", "http://m/"))),
    (Compare.URL_PAIRS, "http://h/PATH", ()),  # unpaired: BitBake drops it
    (Compare.PRESENCE, "  ", False),
    (Compare.PRESENCE, "host:1234", True),
]


@pytest.mark.parametrize(("compare", "value", "expected"), NORMALISE)
def test_normalise(compare: Compare, value: str | None, expected: object) -> None:
    assert normalise(compare, value) == expected


def _entry(name: str) -> VariableEntry:
    entry = knowledge().entry(name)
    assert entry is not None
    return entry


VERDICTS = [
    ("MACHINE", "qemuarm64", "qemux86-64", Severity.ERROR),
    ("MACHINE", "qemux86-64", "qemux86-64", Severity.INFO),
    ("MACHINE", None, "", Severity.INFO),  # unset and empty hash alike
    ("PACKAGE_CLASSES", "package_ipk", "package_rpm", Severity.ERROR),
    ("PACKAGE_CLASSES", "package_rpm package_ipk", "package_rpm", Severity.INFO),
    ("PACKAGE_CLASSES", "package_ipk package_rpm", "package_rpm package_ipk", Severity.ERROR),
    ("DISTRO_FEATURES", "ipv4 usrmerge", "ipv4", Severity.ERROR),
    ("DISTRO_FEATURES", "ipv4 ipv6", "ipv4", Severity.WARNING),
    ("DISTRO_FEATURES", "ipv4 my-own-feature", "ipv4", Severity.WARNING),
    ("DISTRO_FEATURES", "ipv6 ipv4", "ipv4 ipv6", Severity.INFO),
    ("PRSERV_HOST", "localhost:0", "", Severity.ERROR),
    ("PRSERV_HOST", "localhost:0", "prserv.example:8585", Severity.INFO),
    ("INHERIT", "rm_work", "", Severity.WARNING),
    ("INHERIT", "ccache", "", Severity.ERROR),
    ("INHERIT", "buildhistory", "", Severity.INFO),
    ("DL_DIR", "/a/downloads", "/b/downloads", Severity.INFO),
    ("SSTATE_MIRRORS", "file://.* http://a/PATH", "", Severity.INFO),
    ("IMAGE_FSTYPES", "ext4 tar.gz", "tar.gz ext4", Severity.INFO),
    ("EXTRA_IMAGE_FEATURES", "package-management", "", Severity.WARNING),
    ("DISTRO_FEATURES:pn-busybox", "usrmerge", "", Severity.WARNING),  # one recipe only
    ("PACKAGECONFIG:pn-glibc", "a", "b", Severity.ERROR),
]


@pytest.mark.parametrize(("name", "child", "parent", "expected"), VERDICTS)
def test_verdict(name: str, child: str | None, parent: str | None, expected: Severity) -> None:
    assert verdict(_entry(name), child, parent) is expected


def test_differing_items_carry_reach() -> None:
    items = differing_items(_entry("DISTRO_FEATURES"), "usrmerge x11 zz", "x11")
    assert [(i.name, i.tasks, i.severity) for i in items] == [
        ("usrmerge", 2740, Severity.ERROR), ("zz", None, Severity.WARNING)]


def test_same_ignores_order_only_for_sets() -> None:
    assert same(_entry("DISTRO_FEATURES"), "a b", "b a")
    assert not same(_entry("PACKAGE_CLASSES"), "package_rpm package_ipk", "package_ipk package_rpm")


_WORDS = st.lists(st.sampled_from(["a", "b", "usrmerge", "package_rpm", "package_ipk", "x:y"]),
                  max_size=4).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(knowledge().entries()), _WORDS, _WORDS)
def test_verdict_is_symmetric_and_quiet_on_equal_values(
    entry: VariableEntry, child: str, parent: str
) -> None:
    assert verdict(entry, child, parent) is verdict(entry, parent, child)
    assert verdict(entry, child, child) is Severity.INFO
    if not same(entry, child, parent):
        assert verdict(entry, child, parent).rank <= max(
            [entry.severity.rank, *(i.severity.rank for i in entry.items.values())])
