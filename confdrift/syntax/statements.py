"""One logical line the grammar matched, turned into a :class:`~confdrift.syntax.nodes.Statement`.

The grammar says which shape a line has; this module adds what a context-free grammar
cannot: the differences between BitBake releases, which files may use ``addpylib``,
BitBake's exact (greedy) argument splitting, the 1-based spans, and BitBake's warnings.
It sees plain strings and offsets, never lark's objects (only :mod:`confdrift.syntax.parse` does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from confdrift.errors import ParseError
from confdrift.syntax import diagnose
from confdrift.syntax.dialect import Dialect
from confdrift.syntax.lines import LogicalLine
from confdrift.syntax.nodes import Kind, ParseWarning, Span, Statement

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


@dataclass(frozen=True, slots=True)
class FileContext:
    """What one parse is reading: which file, with which reader and BitBake version."""

    filename: str
    reader: str
    dialect: Dialect
    base_config: bool
    recover: bool
    #: The grammar's ASSIGNMENT terminal with a group per piece (see reader.py).
    assignment: re.Pattern[str]


#: A directive's tokens by terminal name: (text, offset in the logical line).
Tokens = dict[str, tuple[str, int]]


class Unparsed(Exception):
    """The grammar matched but BitBake (this version, this file) would not."""


class Builder:
    """Turns one matched logical line into a :class:`Statement`."""

    def __init__(self, ctx: FileContext, line: LogicalLine, warnings: list[ParseWarning]) -> None:
        self.ctx = ctx
        self.line = line
        self.warnings = warnings

    def directive(self, kind: str, tokens: Tokens) -> Statement:
        """A directive (grammar rule ``kind``) from its tokens."""
        if kind in ("export", "unset"):
            return self._bare(kind, tokens)
        return self._directive(kind, tokens["ARGS"])

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

    def assignment(self, text: str) -> Statement:
        """An assignment from its logical line (which the grammar matched as one)."""
        m = self.ctx.assignment.match(text)
        if m is None:  # only older dialects, whose names needed a character
            raise Unparsed
        if not m["var"]:
            diag = diagnose.empty_name(self.line.text)
            raise ParseError(diag.message, self.ctx.filename, self.line.last_line, 1)
        exp, name, bracketed, spaced_op, value = m.groups()
        op = spaced_op.strip()
        flag = None if bracketed is None else self._flag(bracketed)
        if op in _NOT_RECOMMENDED_OPS or not (spaced_op[0].isspace() and spaced_op[-1].isspace()):
            self._warn_assignment(name, op, spaced_op)
        line = self.line
        if len(line.lines) == 1:  # the common case, spans computed inline
            number, start = line.lines[0], m.start(5)
            span = Span(number, 1, number, len(text))
            value_span = Span(number, start + 2, number, start + len(value) - 1)
        else:
            span, value_span = self._span(), self._value_span(m.start(5) + 1, m.end(5) - 1)
        # Positional arguments, in Statement's field order: this runs for every line.
        return Statement(Kind.ASSIGN, span, name, flag, op, value[1:-1], value_span,
                         exp is not None, (), text)

    def _flag(self, bracketed: str) -> str:
        flag = bracketed[1:-1]
        if not _flag_pattern(self.ctx.dialect.flag_chars).fullmatch(flag):
            raise Unparsed
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

    def _bare(self, kind: str, tokens: Tokens) -> Statement:
        name = tokens["BARE_NAME"][0]
        flag_token = tokens.get("UNSET_FLAG")
        flag = None if flag_token is None else flag_token[0][1:-1]
        if flag is not None and not self._unset_flag_ok(flag):
            raise Unparsed
        if kind == "export":
            return Statement(Kind.EXPORT, self._span(), name=name, exported=True,
                             text=self.line.text)
        return Statement(Kind.UNSET, self._span(), name=name, flag=flag, text=self.line.text)

    def _unset_flag_ok(self, flag: str) -> bool:
        d = self.ctx.dialect
        return len(flag) >= d.unset_flag_min and (d.unset_flag_at or "@" not in flag)

    def _directive(self, kind: str, args: tuple[str, int]) -> Statement:
        raw, start = args
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
            raise Unparsed
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
            raise Unparsed
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
        raise Unparsed
    return tuple(match.groups())
