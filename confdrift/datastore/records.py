"""One variable's storage slots, and the pure steps of reading them (§4.1, §5.4, §5.6).

A record is a plain ``dict`` of slots keyed like BitBake's own: ``_content`` (strong value),
``_defaultval`` (weak default), ``_defaultval_flag_F`` (weak flag default) and one key per
flag. Keeping BitBake's key names as data (rather than one attribute per slot) makes odd
but legal inputs such as a flag named ``_defaultval`` behave exactly as in BitBake.
Pending ``:append``/``:prepend``/``:remove`` operations live in a separate list per keyword.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from confdrift.datastore.overrides import condition_active

CONTENT = "_content"
DEFAULT = "_defaultval"
FLAG_DEFAULT = "_defaultval_flag_"


@functools.cache  # compiled on first use, not at import
def _whitespace_split() -> re.Pattern[str]:
    """Removal keeps every single whitespace character as its own token (§5.6)."""
    return re.compile(r"(\s)")


Pending = list[tuple[str, "str | None"]]


@dataclass
class Record:
    """One variable name's slots (``A`` and ``A:o`` are separate records)."""

    flags: dict[str, str] = field(default_factory=dict)
    pending: dict[str, Pending] = field(default_factory=dict)

    def empty(self) -> bool:
        return not self.flags and not any(self.pending.values())


def apply_pending(rec: Record, value: str | None, overrides: Sequence[str]) -> str | None:
    """Active ``:append``s in order, then active ``:prepend``s (the last ends up first)."""
    for text, cond in rec.pending.get(":append", []):
        if condition_active(cond, overrides):
            value = (value or "") + text
    for text, cond in rec.pending.get(":prepend", []):
        if condition_active(cond, overrides):
            value = text + (value or "")
    return value


def active_removes(rec: Record, overrides: Sequence[str]) -> set[str]:
    return {
        text for text, cond in rec.pending.get(":remove", []) if condition_active(cond, overrides)
    }


def remove_words(text: str, words: dict[str, list[str]]) -> tuple[str, set[str]]:
    """``text`` without every whole word listed, whitespace kept; and the removals that hit."""
    kept: list[str] = []
    matched: set[str] = set()
    for token in _whitespace_split().split(text):
        hits = {removal for removal, listed in words.items() if token in listed}
        matched |= hits
        if not hits:
            kept.append(token)
    return "".join(kept), matched
