"""Compare a child's and a parent's value of one variable the way its signatures see it.

BitBake hashes an unset variable and an empty one alike (nothing is added to the task's
data), so ``None`` and ``""`` are the same value everywhere here.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Hashable

from confdrift.knowledge.model import Compare, ItemReach, VariableEntry


def _path(value: str) -> str:
    stripped = value.strip()
    return posixpath.normpath(stripped) if stripped else ""


def _url_pairs(value: str) -> tuple[tuple[str, str], ...]:
    # BitBake's mirror parser: literal "\n" is a separator, an unpaired last item is dropped.
    words = value.replace("\\n", " ").split()
    return tuple(zip(words[0::2], words[1::2], strict=False))


_NORMALISE: dict[Compare, Callable[[str], Hashable]] = {
    Compare.STRING: lambda v: v,
    Compare.WORDS: lambda v: frozenset(v.split()),
    Compare.LIST: lambda v: tuple(v.split()),
    Compare.ORDERED_COLON: lambda v: tuple(p for p in v.strip().split(":") if p),
    Compare.PATH: _path,
    Compare.URL_PAIRS: _url_pairs,
    Compare.PRESENCE: lambda v: bool(v.strip()),
}


def normalise(compare: Compare, value: str | None) -> Hashable:
    """The part of ``value`` that ``compare`` looks at (hashable, comparable with ==)."""
    return _NORMALISE[compare](value or "")


def same(entry: VariableEntry, child: str | None, parent: str | None) -> bool:
    """True when the two values are equal as far as this variable's signatures go."""
    return normalise(entry.compare, child) == normalise(entry.compare, parent)


def differing_items(
    entry: VariableEntry, child: str | None, parent: str | None
) -> tuple[ItemReach, ...]:
    """Words present on one side only, each with its reach (words-compared variables)."""
    if entry.compare is not Compare.WORDS:
        return ()
    changed = set((child or "").split()) ^ set((parent or "").split())
    return tuple(entry.item(word) for word in sorted(changed))
