"""Reading one file's text: lines joined, the lark grammar, the checks after matching.

The only module that imports lark. Lines are joined by :mod:`confdrift.syntax.lines`, the
logical lines are read by the grammar ``grammar/bitbake_conf.lark`` (built once per
process), and what the grammar cannot express (release differences, which files may
use ``addpylib``, BitBake's exact argument splitting) is checked here, after matching.
Reached through :mod:`confdrift.syntax.parse`, only when no cached parse serves.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, cast

from confdrift.errors import ParseError
from confdrift.syntax import diagnose
from confdrift.syntax.lines import Block, LogicalLine, conf_lines, recipe_lines
from confdrift.syntax.nodes import ParsedFile, ParseWarning, Span, Statement
from confdrift.syntax.releases import dialect
from confdrift.syntax.statements import Builder, FileContext, Unparsed

if TYPE_CHECKING:
    from lark import Lark, Token, Tree


def read_text(
    text: str,
    filename: str,
    *,
    reader: str,
    base_config: bool,
    version: str | None,
    recover: bool,
) -> ParsedFile:
    """The statements of ``text``, as ``parse_text`` reads them (its size unchecked)."""
    rules = dialect(version)
    ctx = FileContext(
        filename,
        reader,
        rules,
        base_config,
        recover,
        _assignment_pattern(rules.empty_name_error),
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

        local = Path(__file__).resolve().parents[2] / "grammar" / "bitbake_conf.lark"
        return local.read_text("utf-8")


# The pieces of the ASSIGNMENT terminal, as the grammar file defines them.
_PIECE = re.compile(r"^(_[A-Z_]+): /(.*)/([a-z]*)$", re.MULTILINE)


@cache
def _assignment_pattern(empty_name_allowed: bool) -> re.Pattern[str]:
    """The grammar's ASSIGNMENT terminal with a group per piece, to split a matched token.

    Before BitBake 2.12 the name needed one character: ``*?`` becomes ``+?``. The quote
    guards are left out: they only look at the text from the first quote on, which is
    the same however the line is split, and the grammar has already applied them.
    """
    pieces = {name: f"(?{flags}:{body})" if flags else body
              for name, body, flags in _PIECE.findall(_grammar_text())}
    name = pieces["_VAR_NAME"] if empty_name_allowed else pieces["_VAR_NAME"].replace("*?", "+?")
    return re.compile(
        f"(?P<exp>{pieces['_EXPORT_PREFIX']})?(?P<var>{name})(?P<flag>{pieces['_VAR_FLAG']})?"
        f"(?P<op>{pieces['_OPERATOR']})(?P<value>{pieces['_QUOTED_VALUE']})"
    )


def _block(block: Block) -> tuple[Statement, ...]:
    header = block.header
    span = Span(header.first_line, 1, block.end_line, block.end_column)
    return (Statement(block.kind, span, name=block.name, value=block.body,
                      args=block.qualifiers, text=header.text),)


@dataclass(slots=True)
class _Run:
    """One parse: the grammar over all logical lines, with recovery and checks."""

    ctx: FileContext
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
        index = start
        for tree in trees:
            # A run of assignment lines is one token: one statement per line it holds.
            for _ in range(tree.count("\n") if isinstance(tree, str) else 1):
                out[index] = self._checked(logical[index], tree)
                index += 1
        return None

    def _checked(self, line: LogicalLine, tree: Tree[Token] | Token) -> tuple[Statement, ...]:
        try:
            return (_build(Builder(self.ctx, line, self.warnings), tree),)
        except Unparsed:
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
            found = _build(Builder(self.ctx, cut, []), tree)
        except (UnexpectedInput, Unparsed, ParseError):
            return ()
        return (found._replace(recovered=True, text=line.text),)

    def _fail(self, err: ParseError) -> None:
        if not self.ctx.recover:
            raise err
        self.errors.append(err)


def _build(builder: Builder, tree: Tree[Token] | Token) -> Statement:
    if isinstance(tree, str):  # a run of assignment lines (a Token is a str)
        return builder.assignment(builder.line.text)
    children = cast("list[Token]", tree.children)
    # No whitespace is ignored by the grammar, so the first token starts the line.
    base = children[0].start_pos or 0
    tokens = {tok.type: (str(tok), (tok.start_pos or 0) - base) for tok in children}
    return builder.directive(str(tree.data), tokens)


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
