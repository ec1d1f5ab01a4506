"""The typed, immutable syntax tree of one BitBake configuration file.

One :class:`Statement` per logical line (or per function block in ``.inc`` files).
Positions are 1-based and converted once, in the parser.

The nodes are named tuples rather than dataclasses: a warm parse-cache hit rebuilds
thousands of them, and a tuple is built several times faster than a frozen dataclass.
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from confdrift.errors import ParseError


class Kind(str, Enum):
    """What a statement is. The first group is legal in ``.conf`` files."""

    ASSIGN = "assign"  #: ``[export] NAME[flag] OP "value"``
    EXPORT = "export"  #: bare ``export NAME``
    UNSET = "unset"  #: ``unset NAME`` or ``unset NAME[flag]``
    INCLUDE = "include"
    REQUIRE = "require"
    INCLUDE_ALL = "include_all"
    #: Base configuration files only (bblayers.conf, layer.conf, bitbake.conf).
    ADDPYLIB = "addpylib"
    ADDFRAGMENTS = "addfragments"
    # Recipe-reader statements: legal in .inc files only.
    INHERIT = "inherit"
    INHERIT_DEFER = "inherit_defer"
    FUNCTION = "function"  #: ``[python] [fakeroot] NAME() { ... }``
    PYTHON_DEF = "def"  #: ``def NAME(args): ...`` block
    ADDTASK = "addtask"
    DELTASK = "deltask"
    ADDHANDLER = "addhandler"
    EXPORT_FUNCTIONS = "export_functions"


class Span(NamedTuple):
    """A region of the source: 1-based lines and columns, end inclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


class Statement(NamedTuple):
    """One statement, as BitBake's reader splits it."""

    kind: Kind
    span: Span
    #: The variable assigned, exported or unset (``VAR:append:o`` as written); function name.
    name: str | None = None
    #: ``VAR[flag]``'s flag, if any.
    flag: str | None = None
    #: The assignment operator (``=``, ``?=``, ``??=``, ``:=``, ``+=``, ``=+``, ``.=``, ``=.``).
    op: str | None = None
    #: The raw value between the quotes (no escapes exist); a function's body.
    value: str | None = None
    #: Where the value sits (inside the quotes); ``None`` when there is no value.
    value_span: Span | None = None
    #: ``export NAME = ...`` or bare ``export NAME``.
    exported: bool = False
    #: Directive arguments, whitespace-split (include files, addfragments vars, inherit classes…);
    #: for functions: the qualifiers ``python``/``fakeroot``.
    args: tuple[str, ...] = ()
    #: The logical line (continuations joined) exactly as BitBake's matcher sees it.
    text: str = ""
    #: Only with ``recover=True``: BitBake rejects this line (a comment after the closing
    #: quote) and the statement is confdrift's best reading of it, not BitBake's.
    recovered: bool = False


class Comment(NamedTuple):
    """A comment (column-1 ``#``), possibly continued over several lines."""

    line: int
    end_line: int
    text: str


class ParseWarning(NamedTuple):
    """Something BitBake accepts but warns about (e.g. no whitespace around ``=``)."""

    message: str
    line: int
    column: int = 1


class ParsedFile(NamedTuple):
    """The result of reading one file."""

    filename: str
    #: ``"conf"`` (ConfHandler) or ``"recipe"`` (BBHandler, used for ``.inc``).
    reader: str
    statements: tuple[Statement, ...]
    comments: tuple[Comment, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()
    #: Only filled when parsing with ``recover=True``: the errors that were skipped over.
    errors: tuple[ParseError, ...] = ()
