"""diff.describe: how a child's value differs, per comparison kind."""

from __future__ import annotations

import pytest

from confdrift.rules.diff import LIST, STRING, WORDS, describe, differing_names


@pytest.mark.parametrize(("kind", "child", "parent", "added", "removed", "differs"), [
    (WORDS, "a b c", "c  b a", (), (), False),
    (WORDS, "a b b", "b a", (), (), False),
    (WORDS, "a x", "a y", ("x",), ("y",), True),
    (WORDS, "it's [x]", "it's", ("[x]",), (), True),
    (WORDS, "root['a']", "a", ("root['a']",), ("a",), True),
    (LIST, "package_ipk", "package_rpm", ("package_ipk",), ("package_rpm",), True),
    (LIST, "package_rpm package_ipk", "package_rpm", ("package_ipk",), (), True),
])
def test_items(kind: str, child: str, parent: str, added: tuple[str, ...],
               removed: tuple[str, ...], differs: bool) -> None:
    change = describe(kind, child, parent)
    assert (change.added, change.removed, change.differs) == (added, removed, differs)


def test_first_entry_and_order() -> None:
    assert describe(LIST, "package_ipk package_rpm", "package_rpm").first_changed
    assert not describe(LIST, "package_rpm package_ipk", "package_rpm").first_changed
    swapped = describe(LIST, "b a", "a b")
    assert swapped.reordered and not swapped.added


def test_strings_and_presence() -> None:
    assert not describe(STRING, "x", "x").differs
    unset = describe(STRING, None, "x")
    assert unset.differs and unset.presence


def test_differing_names_is_plain_comparison() -> None:
    child, parent = {"A": "1", "B": "2"}, {"A": "1", "B": "3", "C": "4"}
    assert differing_names(["A", "B", "C"], child.get, parent.get) == ["B", "C"]
