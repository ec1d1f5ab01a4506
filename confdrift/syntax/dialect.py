"""What the configuration syntax looked like in a BitBake release (spec §11), as data.

The grammar describes the newest syntax; a dialect's flags say which parts an older BitBake
did not accept yet (or accepted differently), and the parser checks them after matching.
Each release's dialect is part of its record in :mod:`confdrift.syntax.releases`.
"""

from __future__ import annotations

from typing import NamedTuple


class Dialect(NamedTuple):
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


#: Bump when the grammar or the parser's output changes: it keys the parse cache.
GRAMMAR_VERSION = "2"

