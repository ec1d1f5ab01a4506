"""How BitBake reads ``NAME:suffix`` names: operations, override variants and their priority.

Everything here is pure: names and override lists in, decisions out. The rules are
described in ``research/bitbake-semantics.md`` §4.3 and §5.2-§5.3.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

#: The three deferred operations, in the order their name suffixes are recognised.
KEYWORDS = (":append", ":prepend", ":remove")

# Shortest base, then the keyword, then an optional condition with no upper-case letter,
# anchored at the end: ``A:append:Foo`` is therefore *not* an operation (§4.3).
_OPERATION = re.compile(r"(?P<base>.*?)(?P<kw>:append|:prepend|:remove)(?::(?P<cond>[^A-Z]*))?$")
# Strong-value assignments to names holding these are fatal since the 2021 syntax switch.
_OLD_SYNTAX = ("_append", "_prepend", "_remove")


@functools.cache  # compiled on first use, not at import
def _override_start() -> re.Pattern[str]:
    """A suffix registers as an override when it starts with a lower-case letter or digit
    (§5.2)."""
    return re.compile(r"[a-z0-9]")


class Operation(NamedTuple):
    """``BASE:append:cond`` split into its parts (``cond`` is ``None`` when absent)."""

    base: str
    keyword: str
    condition: str | None


def split_operation(name: str) -> Operation | None:
    """The deferred operation a name denotes, or ``None`` for an ordinary variable name."""
    match = _OPERATION.match(name)
    if match is None:
        return None
    return Operation(match["base"], match["kw"], match["cond"] or None)


def uses_old_syntax(name: str) -> bool:
    """True when BitBake would refuse a strong assignment to ``name`` (§4.4)."""
    return any(word in name for word in _OLD_SYNTAX)


@functools.cache  # compiled on first use, not at import
def _old_operation() -> re.Pattern[str]:
    """An old-syntax operation and the overrides after it (``_append``, ``_remove_pn-foo``),
    as BitBake's old reader matched them: the overrides after the operation hold no capitals.
    """
    return re.compile(r"_(append|prepend|remove)((?:_[^A-Z_:]+)*)$")


def new_override_syntax(name: str) -> str:
    """``IMAGE_INSTALL_append_pn-foo`` -> ``IMAGE_INSTALL:append:pn-foo``.

    Only what follows the operation is certainly an override (old-syntax overrides held no
    ``_``); an override written before it (``VAR_qemuarm_append``) cannot be told apart from
    the variable's own name, and stays as written.
    """
    head, colon, rest = name.partition(":")
    found = _old_operation().search(head)
    if found is not None:
        head = head[: found.start()] + ":" + found.group(1) + found.group(2).replace("_", ":")
    else:
        for old in _OLD_SYNTAX:
            head = head.replace(old, ":" + old[1:])
    return head + colon + rest


def override_parents(name: str) -> Iterator[tuple[str, str]]:
    """Every ``(parent, override)`` pair ``name`` registers as a variant of.

    ``A:x:y`` yields ``("A:x", "y")`` then ``("A", "x:y")``; the walk stops at the first
    suffix that does not start with ``[a-z0-9]`` or when the parent would be empty.
    """
    cut = name.rfind(":")
    while cut > 0:
        override = name[cut + 1 :]
        if not _override_start().match(override):
            return
        yield name[:cut], override
        cut = name.rfind(":", 0, cut)


def condition_active(condition: str | None, overrides: Sequence[str]) -> bool:
    """Whether an ``:append:a:b`` style condition holds: every part is an active override."""
    if not condition:
        return True
    return all(part in overrides for part in condition.split(":"))


def is_active(override: str, active: set[str]) -> bool:
    """Whether a variant registered under ``override`` (``a`` or ``a:b``) is switched on."""
    if override in active:
        return True
    return ":" in override and set(override.split(":")) <= active


def choose_variant(variants: Iterable[tuple[str, str]], overrides: Sequence[str]) -> str | None:
    """The variant name BitBake's priority rule picks (§5.3), or ``None``.

    Rounds over OVERRIDES strip a matching ``:o`` tail from combined candidates and let a
    candidate equal to ``o`` win; the last winner counts, so later overrides and combined
    overrides (decided in later rounds) take precedence.
    """
    active_set = set(overrides)
    pool = {ovr: var for var, ovr in variants if is_active(ovr, active_set)}
    winner: str | None = None
    changed = True
    while changed:
        changed = False
        for override in overrides:
            for key in list(pool):
                if key.endswith(":" + override):
                    # BitBake drops every ``:o`` occurrence, not only the tail.
                    pool[key.replace(":" + override, "")] = pool.pop(key)
                    changed = True
                elif key == override:
                    winner = pool.pop(key)
    return winner
