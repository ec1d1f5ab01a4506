"""Compare child and parent values: which variables differ, and how.

The differing variables are found by plain comparison (:func:`differing_names`), and each
difference is described by its comparison kind (:func:`describe`): callers get a
:class:`Change`. A word list's difference is set arithmetic, reported in the order the
items appear; no diff library is needed for that, and none is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

#: How a variable's values compare (the knowledge base's ``compare`` field).
STRING = "string"
WORDS = "words"  # an unordered set of whitespace-separated words (DISTRO_FEATURES)
LIST = "list"  # an ordered list of words (PACKAGE_CLASSES: the first entry matters)
COLON_LIST = "ordered-colon"  # ``a:b:c`` in order (OVERRIDES)


class Change(NamedTuple):
    """How the child's value differs from the parent's."""

    kind: str
    #: Items the child has and the parent lacks (words/list kinds).
    added: tuple[str, ...] = ()
    #: Items the parent has and the child lacks.
    removed: tuple[str, ...] = ()
    #: Same items, different order (only meaningful for ordered kinds).
    reordered: bool = False
    #: The first item differs (ordered kinds; PACKAGE_CLASSES picks its backend by it).
    first_changed: bool = False
    #: One side unset (``None``) and the other set.
    presence: bool = False
    #: Whether the difference matters for this kind (set-equal words do not).
    differs: bool = True


def differing_names(
    names: Iterable[str], child: Callable[[str], str | None], parent: Callable[[str], str | None]
) -> list[str]:
    """Names whose values differ, by plain string comparison (fast path, no deepdiff)."""
    return sorted(name for name in names if child(name) != parent(name))


def split(value: str | None, kind: str) -> list[str]:
    """The items of a value for its comparison kind."""
    if value is None:
        return []
    if kind == COLON_LIST:
        return value.split(":")
    return value.split()


def describe(kind: str, child: str | None, parent: str | None) -> Change:
    """Describe how ``child`` differs from ``parent`` under comparison ``kind``.

    For ``words`` a set-equal pair (reordered, re-spaced, duplicated) is :attr:`Change.equal`.
    """
    presence = (child is None) != (parent is None)
    if kind == STRING or kind not in (WORDS, LIST, COLON_LIST):
        return Change(STRING, presence=presence, differs=child != parent)
    child_items, parent_items = split(child, kind), split(parent, kind)
    added, removed = _set_changes(child_items, parent_items)
    if kind == WORDS:
        differs = bool(added or removed)
        return Change(kind, added, removed, presence=presence and differs, differs=differs)
    first_changed = child_items[:1] != parent_items[:1]
    reordered = not (added or removed) and _dedup(child_items) != _dedup(parent_items)
    differs = bool(added or removed or reordered or first_changed)
    return Change(kind, added, removed, reordered, first_changed, presence, differs)


def _set_changes(child: list[str], parent: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(added, removed) items, each in the order it appears on its side."""
    added, removed = set(child) - set(parent), set(parent) - set(child)
    return (tuple(i for i in _dedup(child) if i in added),
            tuple(i for i in _dedup(parent) if i in removed))


def _dedup(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))

