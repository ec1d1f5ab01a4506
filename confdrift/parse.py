"""BitBake configuration text to the typed AST of :mod:`confdrift.nodes`.

The only module that imports lark. Lines are joined by :mod:`confdrift.lines`, the
logical lines are read by the grammar ``grammar/bitbake_conf.lark`` (built once per
process), and what the grammar cannot express (release differences, which files may
use ``addpylib``, BitBake's exact argument splitting) is checked here, after matching.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, cast

from confdrift import diagnose
from confdrift.dialect import Dialect, dialect
from confdrift.errors import ParseError
from confdrift.lines import Block, LogicalLine, conf_lines, recipe_lines
from confdrift.nodes import Kind, ParsedFile, ParseWarning, Span, Statement

if TYPE_CHECKING:
    from lark import Lark, Token, Tree

__all__ = ["ParseError", "base_config_for", "parse_file", "parse_text", "reader_for"]

_RECIPE_SUFFIXES = (".inc", ".bb", ".bbclass")
_BASE_CONFIG_NAMES = frozenset({"bblayers.conf", "layer.conf", "bitbake.conf"})
_SETVAR_KEYWORDS = (":append", ":prepend", ":remove")
_NOT_RECOMMENDED_OPS = frozenset({"+=", "=+", ".=", "=."})
# BitBake splits these directives' arguments with greedy groups, not on whitespace.
_ADDPYLIB = re.compile(r"addpylib\s+(.+)\s+(.+)")
_ADDFRAGMENTS = {
    3: re.compile(r"addfragments\s+(.+)\s+(.+)\s+(.+)"),
    4: re.compile(r"addfragments\s+(.+)\s+(.+)\s+(.+)\s+(.+)"),
}
_TASK = {
    "addtask": re.compile(r"addtask\s+([^#\n]+)(?P<comment>#.*|.*?)"),
    "deltask": re.compile(r"deltask\s+([^#\n]+)(?P<comment>#.*|.*?)"),
}
_KIND = {
    "include": Kind.INCLUDE,
    "require": Kind.REQUIRE,
    "include_all": Kind.INCLUDE_ALL,
    "addpylib": Kind.ADDPYLIB,
    "addfragments": Kind.ADDFRAGMENTS,
    "inherit": Kind.INHERIT,
    "inherit_defer": Kind.INHERIT_DEFER,
    "export_functions": Kind.EXPORT_FUNCTIONS,
    "addtask": Kind.ADDTASK,
    "deltask": Kind.DELTASK,
    "addhandler": Kind.ADDHANDLER,
}


def reader_for(filename: str) -> str:
    """``"recipe"`` for ``.inc``/``.bb``/``.bbclass`` names, ``"conf"`` for everything else."""
    return "recipe" if filename.endswith(_RECIPE_SUFFIXES) else "conf"


def base_config_for(filename: str) -> bool:
    """Whether BitBake reads a file of this name as base configuration (``addpylib`` allowed)."""
    return os.path.basename(filename) in _BASE_CONFIG_NAMES


def parse_text(
    text: str,
    filename: str = "<string>",
    *,
    reader: str | None = None,
    base_config: bool | None = None,
    version: str | None = None,
    recover: bool = False,
) -> ParsedFile:
    """Read ``text`` as BitBake would read a file named ``filename``.

    Raises :class:`ParseError` for the first line BitBake rejects, unless ``recover``:
    then every rejected line is recorded in ``ParsedFile.errors`` and skipped.
    """
    ctx = _Context(
        filename,
        reader or reader_for(filename),
        dialect(version),
        base_config_for(filename) if base_config is None else base_config,
        recover,
    )
    split = conf_lines if ctx.reader == "conf" else recipe_lines
    lines = split(text, filename, recover)
    run = _Run(ctx, errors=list(lines.errors))
    logical = [item for item in lines.items if isinstance(item, LogicalLine)]
    read = iter(run.read(logical))
    statements: list[Statement] = []
    for item in lines.items:
        statements.extend(_block(item) if isinstance(item, Block) else next(read))
    return ParsedFile(filename, ctx.reader, tuple(statements), tuple(lines.comments),
                      tuple(run.warnings), tuple(run.errors))


def parse_file(
    path: str | os.PathLike[str],
    *,
    reader: str | None = None,
    base_config: bool | None = None,
    version: str | None = None,
    recover: bool = False,
) -> ParsedFile:
    """Read a file from disk (through the parse cache); see :func:`parse_text`."""
    from confdrift import cache

    name = os.fspath(path)
    data = cache.read_source(name)
    reader = reader or reader_for(name)
    base_config = base_config_for(name) if base_config is None else base_config
    options = (reader, base_config, dialect(version).version, recover)
    hit = cache.load(data, options, name)
    if hit is not None:
        return hit
    parsed = parse_text(cache.decode(data, name), name, reader=reader,
                        base_config=base_config, version=version, recover=recover)
    cache.store(data, options, parsed)
    return parsed


@dataclass(frozen=True, slots=True)
class _Context:
    filename: str
    reader: str
    dialect: Dialect
    base_config: bool
    recover: bool


@cache
def _parser(reader: str) -> Lark:
    """The parser for one reader, built once per process.

    One parser per start rule: a parser with both would merge LALR states, and its
    contextual lexer would then see recipe keywords (``inherit``) in .conf files.
    """
    from lark import Lark

    return Lark(_grammar_text(), parser="lalr", lexer="contextual", start=f"{reader}_file")


@cache
def _grammar_text() -> str:
    from importlib import resources

    try:
        source = resources.files("confdrift.grammar").joinpath("bitbake_conf.lark")
        return source.read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        # Running from a source tree where the grammar package is not installed.
        from pathlib import Path

        local = Path(__file__).resolve().parents[1] / "grammar" / "bitbake_conf.lark"
        return local.read_text("utf-8")


# The pieces of the ASSIGNMENT terminal, as the grammar file defines them.
_PIECE = re.compile(r"^(_[A-Z_]+): /(.*)/([a-z]*)$", re.MULTILINE)


@cache
def _assignment_pattern(empty_name_allowed: bool) -> re.Pattern[str]:
    """The grammar's ASSIGNMENT terminal with a group per piece, to split a matched token.

    Before BitBake 2.12 the name needed one character: ``*?`` becomes ``+?``.
    """
    pieces = {name: f"(?{flags}:{body})" if flags else body
              for name, body, flags in _PIECE.findall(_grammar_text())}
    name = pieces["_VAR_NAME"] if empty_name_allowed else pieces["_VAR_NAME"].replace("*?", "+?")
    return re.compile(
        f"(?P<exp>{pieces['_EXPORT_PREFIX']})?(?P<var>{name})(?P<flag>{pieces['_VAR_FLAG']})?"
        f"(?P<op>{pieces['_OPERATOR']})(?P<value>{pieces['_QUOTED_VALUE']})\n"
    )


def _block(block: Block) -> tuple[Statement, ...]:
    header = block.header
    span = Span(header.first_line, 1, block.end_line, block.end_column)
    return (Statement(block.kind, span, name=block.name, value=block.body,
                      args=block.qualifiers, text=header.text),)


@dataclass(slots=True)
class _Run:
    """One parse: the grammar over all logical lines, with recovery and checks."""

    ctx: _Context
    errors: list[ParseError]
    warnings: list[ParseWarning] = field(default_factory=list)

    def read(self, logical: list[LogicalLine]) -> list[tuple[Statement, ...]]:
        """The statements of each logical line, in order."""
        out: list[tuple[Statement, ...]] = [()] * len(logical)
        start, size = 0, len(logical)
        while start < len(logical):
            end = min(start + size, len(logical))
            bad = self._read_range(logical, start, end, out)
            # After a bad line (recover=True) go on in small, doubling chunks: re-parsing
            # the whole rest after each error would be quadratic in a file full of them.
            start, size = (end, size * 2) if bad is None else (bad + 1, 1)
        return out

    def _read_range(self, logical: list[LogicalLine], start: int, end: int,
                    out: list[tuple[Statement, ...]]) -> int | None:
        """Parse ``logical[start:end]`` into ``out``; the index of a bad line, if any."""
        from lark.exceptions import UnexpectedInput

        chunk = logical[start:end]
        try:
            trees = _parse_chunk(chunk, self.ctx.reader)
        except UnexpectedInput as exc:
            bad = start + _line_of(chunk, exc.pos_in_stream)
            if bad > start:
                self._read_range(logical, start, bad, out)
            out[bad] = self._unparsed(logical[bad])
            return bad
        for index, tree in enumerate(trees, start):
            out[index] = self._checked(logical[index], tree)
        return None

    def _checked(self, line: LogicalLine, tree: Tree[Token] | Token) -> tuple[Statement, ...]:
        try:
            return (_Statements(self.ctx, line, self.warnings).build(tree),)
        except _Unparsed:
            return self._unparsed(line)
        except ParseError as err:
            self._fail(err)
            return ()

    def _unparsed(self, line: LogicalLine) -> tuple[Statement, ...]:
        ctx = self.ctx
        diag = diagnose.unparsed(line.text, ctx.reader, ctx.dialect, ctx.base_config)
        reason = None if diag.value_end is None else "trailing-comment"
        self._fail(ParseError(diag.message, ctx.filename, *line.position(diag.offset),
                              reason=reason))
        if diag.value_end is None:
            return ()
        return self._recovered(line, diag.value_end)

    def _recovered(self, line: LogicalLine, end: int) -> tuple[Statement, ...]:
        """The assignment before a trailing comment, marked as confdrift's reading."""
        from lark.exceptions import UnexpectedInput

        cut = replace(line, text=line.text[:end])
        try:
            tree = _parse_chunk([cut], self.ctx.reader)[0]
            found = _Statements(self.ctx, cut, []).build(tree)
        except (UnexpectedInput, _Unparsed, ParseError):
            return ()
        return (replace(found, recovered=True, text=line.text),)

    def _fail(self, err: ParseError) -> None:
        if not self.ctx.recover:
            raise err
        self.errors.append(err)


def _parse_chunk(chunk: list[LogicalLine], reader: str) -> list[Tree[Token] | Token]:
    document = "\n".join(line.text for line in chunk) + "\n"
    tree = _parser(reader).parse(document)
    return tree.children


def _line_of(chunk: list[LogicalLine], pos: int | None) -> int:
    """Index into ``chunk`` of the line holding document offset ``pos``."""
    if pos is None:
        return len(chunk) - 1
    starts = [0]
    for line in chunk:
        starts.append(starts[-1] + len(line.text) + 1)
    return min(bisect_right(starts, pos) - 1, len(chunk) - 1)


class _Unparsed(Exception):
    """The grammar matched but BitBake (this version, this file) would not."""


class _Statements:
    """Turns one matched logical line into a :class:`Statement`."""

    def __init__(self, ctx: _Context, line: LogicalLine, warnings: list[ParseWarning]) -> None:
        self.ctx = ctx
        self.line = line
        self.warnings = warnings
        self.base = 0

    def build(self, tree: Tree[Token] | Token) -> Statement:
        if isinstance(tree, str):  # an ASSIGNMENT token (a Token is a str)
            return self._assignment(tree)
        children = cast("list[Token]", tree.children)
        tokens = {tok.type: tok for tok in children}
        # No whitespace is ignored by the grammar, so the first token starts the line.
        self.base = children[0].start_pos or 0
        if tree.data in ("export", "unset"):
            return self._bare(str(tree.data), tokens)
        return self._directive(str(tree.data), tokens["ARGS"])

    def _span(self) -> Span:
        line = self.line
        if len(line.lines) == 1:
            number = line.lines[0]
            return Span(number, 1, number, len(line.text))
        end = max(len(line.text) - line.starts[-1], 1)
        return Span(line.first_line, 1, line.last_line, end)

    def _value_span(self, start: int, end: int) -> Span:
        """Span of the text ``[start, end)`` of the logical line (empty: end before start)."""
        if len(self.line.lines) == 1:  # the common case, without the bisecting
            number = self.line.lines[0]
            return Span(number, start + 1, number, end)
        line, column = self.line.position(start)
        if end <= start:
            return Span(line, column, line, column - 1)
        end_line, end_column = self.line.position(end - 1)
        return Span(line, column, end_line, end_column)

    def _assignment(self, token: str) -> Statement:
        m = _assignment_pattern(self.ctx.dialect.empty_name_error).match(token)
        if m is None:  # only older dialects, whose names needed a character
            raise _Unparsed
        if not m["var"]:
            diag = diagnose.empty_name(self.line.text)
            raise ParseError(diag.message, self.ctx.filename, self.line.last_line, 1)
        exp, name, bracketed, spaced_op, value = m.groups()
        op = spaced_op.strip()
        flag = None if bracketed is None else self._flag(bracketed)
        if self.ctx.dialect.whitespace_warning or op in _NOT_RECOMMENDED_OPS:
            self._warn_assignment(name, op, spaced_op)
        # Positional arguments, in Statement's field order: this runs for every line.
        return Statement(Kind.ASSIGN, self._span(), name, flag, op, value[1:-1],
                         self._value_span(m.start(5) + 1, m.end(5) - 1), exp is not None,
                         (), self.line.text)

    def _flag(self, bracketed: str) -> str:
        flag = bracketed[1:-1]
        if not _flag_pattern(self.ctx.dialect.flag_chars).fullmatch(flag):
            raise _Unparsed
        return flag

    def _warn_assignment(self, name: str, op: str, spaced_op: str) -> None:
        line = self.line.last_line
        spaced = spaced_op[0].isspace() and spaced_op[-1].isspace()
        if self.ctx.dialect.whitespace_warning and not spaced:
            self.warnings.append(ParseWarning(
                f"no whitespace around the assignment operator (BitBake: has a lack of "
                f"whitespace around the assignment: {self.line.text!r})", line))
        if op in _NOT_RECOMMENDED_OPS and any(k in name for k in _SETVAR_KEYWORDS):
            self.warnings.append(ParseWarning(
                f"{name} {op} is not a recommended operator combination, please replace it "
                "(use = with a leading space in the value instead)", line))

    def _bare(self, kind: str, tokens: dict[str, Token]) -> Statement:
        name = str(tokens["BARE_NAME"])
        flag_token = tokens.get("UNSET_FLAG")
        flag = None if flag_token is None else str(flag_token)[1:-1]
        if flag is not None and not self._unset_flag_ok(flag):
            raise _Unparsed
        if kind == "export":
            return Statement(Kind.EXPORT, self._span(), name=name, exported=True,
                             text=self.line.text)
        return Statement(Kind.UNSET, self._span(), name=name, flag=flag, text=self.line.text)

    def _unset_flag_ok(self, flag: str) -> bool:
        d = self.ctx.dialect
        return len(flag) >= d.unset_flag_min and (d.unset_flag_at or "@" not in flag)

    def _directive(self, kind: str, args: Token) -> Statement:
        raw = str(args)
        start = args.start_pos - self.base  # type: ignore[operator]
        if kind in _TASK:
            # BitBake keeps only what precedes a '#': value and args hold that part.
            raw, start = self._task_list(kind)
        words = self._arguments(kind, raw)
        return Statement(_KIND[kind], self._span(), value=raw,
                         value_span=self._value_span(start, start + len(raw)),
                         args=words, text=self.line.text)

    def _arguments(self, kind: str, raw: str) -> tuple[str, ...]:
        ctx, text = self.ctx, self.line.text
        if kind == "include_all" and not ctx.dialect.include_all:
            raise _Unparsed
        if kind == "addpylib":
            allowed = ctx.dialect.addpylib and ctx.reader == "conf" and ctx.base_config
            return _groups(_ADDPYLIB.match(text) if allowed else None)
        if kind == "addfragments":
            pattern = _ADDFRAGMENTS.get(ctx.dialect.addfragments_args)
            return _groups(pattern.match(text) if pattern else None)
        return tuple(raw.split())

    def _task_list(self, kind: str) -> tuple[str, int]:
        text = self.line.text
        match = _TASK[kind].match(text)
        if match is None:
            raise _Unparsed
        if kind == "addtask":
            for word in text.split():
                if any(f"{k}_" in word for k in _SETVAR_KEYWORDS):
                    raise ParseError(
                        f"task name {word!r} contains a keyword ({', '.join(_SETVAR_KEYWORDS)}) "
                        "which BitBake does not support; rename the task", self.ctx.filename,
                        self.line.last_line, 1)
        return match.group(1), match.start(1)


@cache
def _flag_pattern(allowed: str) -> re.Pattern[str]:
    return re.compile(rf"[a-zA-Z0-9\-_+.][{allowed}]*")


def _groups(match: re.Match[str] | None) -> tuple[str, ...]:
    if match is None:
        raise _Unparsed
    return tuple(match.groups())
