"""What the configuration syntax looked like in each BitBake release (spec §11), as data.

The grammar describes the newest syntax; these flags say which parts an older BitBake
did not accept yet (or accepted differently), and the parser checks them after matching.
"""

from __future__ import annotations

from dataclasses import dataclass

from confdrift.errors import UsageError


@dataclass(frozen=True, slots=True)
class Dialect:
    """The syntax features of one BitBake version."""

    version: str
    #: ``include_all`` exists (2.12+).
    include_all: bool
    #: Arguments ``addfragments`` takes: 0 (no such directive), 3 (2.12) or 4 (2.16+).
    addfragments_args: int
    #: ``addpylib`` exists (2.4+).
    addpylib: bool
    #: Characters allowed after the first one in ``VAR[flag]`` names.
    flag_chars: str
    #: ``unset VAR[flag]``: minimum flag length and whether ``@`` is allowed (2.4+: 2, yes).
    unset_flag_min: int
    unset_flag_at: bool
    #: An assignment with an empty variable name is an error (2.12+); before, the
    #: name needed one character, so ``+= "x"`` assigned a variable named ``+``.
    empty_name_error: bool
    #: A missing space around the operator is warned about (2.16+).
    whitespace_warning: bool


_BASE_FLAG = r"a-zA-Z0-9\-_+."

DIALECTS: dict[str, Dialect] = {
    d.version: d
    for d in (
        Dialect("2.0", False, 0, False, _BASE_FLAG, 1, False, False, False),
        Dialect("2.8", False, 0, True, _BASE_FLAG + "@", 2, True, False, False),
        Dialect("2.10", False, 0, True, _BASE_FLAG + "@", 2, True, False, False),
        Dialect("2.12", True, 3, True, _BASE_FLAG + "@/", 2, True, True, False),
        Dialect("2.16", True, 4, True, _BASE_FLAG + "@/", 2, True, True, True),
        Dialect("2.18", True, 4, True, _BASE_FLAG + "@/", 2, True, True, True),
        Dialect("2.19", True, 4, True, _BASE_FLAG + "@/", 2, True, True, True),
    )
}

#: The release each BitBake version ships with (for messages and the release profiles).
RELEASES: dict[str, str] = {
    "kirkstone": "2.0",
    "scarthgap": "2.8",
    "styhead": "2.10",
    "walnascar": "2.12",
    "whinlatter": "2.16",
    "wrynose": "2.18",
    "master": "2.19",
}

DEFAULT_VERSION = "2.19"

#: Bump when the grammar or the parser's output changes: it keys the parse cache.
GRAMMAR_VERSION = "2"


def dialect(version: str | None) -> Dialect:
    """The dialect of a BitBake version ("2.0" … "2.19"); ``None`` means the newest."""
    found = DIALECTS.get(version or DEFAULT_VERSION)
    if found is None:
        known = ", ".join(DIALECTS)
        raise UsageError(f"unknown BitBake version {version!r}; known versions: {known}")
    return found
