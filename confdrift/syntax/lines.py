"""Physical lines to logical lines, exactly as BitBake's two readers join them.

BitBake has no tokenizer: it reads a file line by line, glues ``\\``-continued lines
together and matches each resulting *logical line* against regular expressions. This
module does the gluing (spec §2.1 for the configuration reader, §2.3 for the recipe
reader used on ``.inc`` files), keeps comments, collects function bodies of ``.inc``
files, and remembers where every piece came from so positions can be mapped back to
physical lines and columns.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType

from confdrift.errors import ParseError
from confdrift.syntax.nodes import Comment, Kind

# Universal newlines, as Python's text mode reads them: \r\n, lone \r and \n end a line
# (and nothing else: \x85 or \u2028 stay inside the line).
_NEWLINE = re.compile(r"\r\n|\r|\n")

# Recipe reader: a shell/python function header ``[python] [fakeroot] NAME() {``.
FUNC_START = re.compile(
    r"(((?P<py>python(?=(\s|\()))|(?P<fr>fakeroot(?=\s)))\s*)*"
    r"(?P<func>[\w\.\-\+\{\}\$:]+)?\s*\(\s*\)\s*{$"
)
# Recipe reader: a ``def NAME(...):`` python block header.
DEF_START = re.compile(r"def\s+(\w+).*:")
# Recipe reader: what continues a ``def`` body: indented, empty or comment lines.
DEF_BODY = re.compile(r"(\s+.*)|(^$)|(^#)")


@dataclass(frozen=True, slots=True)
class LogicalLine:
    """One logical line and where each of its physical pieces starts."""

    text: str
    #: Physical line numbers of the pieces, first to last.
    lines: tuple[int, ...]
    #: Offset in ``text`` where each piece begins (same length as ``lines``).
    starts: tuple[int, ...]

    @property
    def first_line(self) -> int:
        return self.lines[0]

    @property
    def last_line(self) -> int:
        return self.lines[-1]

    def position(self, offset: int) -> tuple[int, int]:
        """Physical ``(line, column)`` (1-based) of ``offset`` in :attr:`text`."""
        index = max(bisect_right(self.starts, offset) - 1, 0)
        return self.lines[index], offset - self.starts[index] + 1


@dataclass(frozen=True, slots=True)
class Block:
    """A recipe-reader function (``NAME() {...}``) or ``def`` block, body collected raw."""

    kind: Kind
    name: str
    qualifiers: tuple[str, ...]
    body: str
    header: LogicalLine
    end_line: int
    end_column: int


@dataclass(slots=True)
class Lines:
    """What the line layer hands to the parser."""

    items: list[LogicalLine | Block] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)


@cache
def _limits() -> ModuleType:
    # Imported on first use: limits pulls in the configuration loader, which
    # `import confdrift.syntax.parse` should not pay for.
    from confdrift import limits

    return limits


def physical_lines(text: str) -> list[str]:
    """Split like ``readline`` in text mode; a final newline does not start a new line."""
    parts = _NEWLINE.split(text)
    if parts and parts[-1] == "":
        parts.pop()
    return parts


def _confusing(first: int, filename: str, text: str) -> ParseError:
    return ParseError(
        "a comment ends with '\\' but the next line is not a comment: BitBake stops with "
        f"'confusing multiline, partially commented expression' ({text!r}); remove the "
        "trailing backslash or start the next line with '#'",
        filename,
        first,
        1,
    )


def _lone_backslash(line: int, filename: str) -> ParseError:
    return ParseError(
        "a line continuation ('\\') joins into nothing (BitBake crashes with IndexError "
        "here); delete the stray backslash",
        filename,
        line,
        1,
    )


def conf_lines(text: str, filename: str, recover: bool = False) -> Lines:
    """Join lines the way the configuration reader does (spec §2.1)."""
    phys = physical_lines(text)
    out = Lines()
    items, comments = out.items, out.comments
    limit = _limits().active().max_line_length
    i, count = 0, len(phys)
    while i < count:
        line = phys[i].rstrip()
        if line and line[-1] != "\\" and len(line) < limit:
            # The common case, kept cheap: a whole statement or comment on one line.
            i += 1
            if line[0] == "#":
                comments.append(Comment(i, i, line))
            else:
                items.append(LogicalLine(line, (i,), (0,)))
            continue
        i = _conf_one(phys, i, filename, out, recover)
    return out


def _conf_one(phys: list[str], i: int, filename: str, out: Lines, recover: bool) -> int:
    """Read one logical line starting at index ``i``; return the index after it."""
    if not phys[i].strip():
        return i + 1
    glue = _Glue(phys[i].rstrip(), i + 1)
    i += 1
    while glue.continues():
        # Past the end of the file BitBake keeps "reading" empty lines, counting them.
        nxt = phys[i].rstrip() if i < len(phys) else ""
        if glue.first_char() == "#" and not nxt.startswith("#"):
            err = _confusing(glue.lines[0], filename, glue.text())
            if not recover:
                raise err
            out.errors.append(err)
            out.comments.append(Comment(glue.lines[0], glue.lines[-1], glue.text()))
            return i
        glue.add(nxt, i + 1)
        i += 1
        glue.check_length(filename)
        if not glue.size:
            err = _lone_backslash(glue.lines[0], filename)
            if not recover:
                raise err
            out.errors.append(err)
            return i
    glue.check_length(filename)
    _emit(out, LogicalLine(glue.text(), tuple(glue.lines), tuple(glue.starts)))
    return i


@dataclass(slots=True)
class _Piece:
    """One physical line's text and how much of it the logical line uses."""

    text: str
    used: int


class _Glue:
    """A logical line being joined from physical pieces.

    Each piece keeps its text and how much of it is used, so dropping a continuation
    backslash costs nothing: gluing by string concatenation is quadratic, and a hostile
    file of many thousand continued lines must not take minutes (it did: 20 s for 200k).
    """

    def __init__(self, first: str, line: int) -> None:
        self.pieces = [_Piece(first, len(first))]
        self.lines, self.starts = [line], [0]
        self.size = len(first)
        #: Source characters read, newlines included: what the line-length limit counts.
        self.consumed = len(first) + 1
        #: Indices of the pieces that still hold text, in order (a stack).
        self.filled = [0] if first else []

    def continues(self) -> bool:
        if not self.filled:
            return False
        last = self.pieces[self.filled[-1]]
        return last.text[last.used - 1] == "\\"

    def first_char(self) -> str:
        return self.pieces[self.filled[0]].text[0] if self.filled else ""

    def add(self, nxt: str, line: int) -> None:
        """Drop the trailing backslash, then append the next physical line."""
        last = self.pieces[self.filled[-1]]
        last.used -= 1
        if last.used == 0:
            self.filled.pop()
        self.size -= 1
        self.lines.append(line)
        self.starts.append(self.size)
        self.pieces.append(_Piece(nxt, len(nxt)))
        if nxt:
            self.filled.append(len(self.pieces) - 1)
        self.size += len(nxt)
        self.consumed += len(nxt) + 1

    def text(self) -> str:
        return "".join(piece.text[: piece.used] for piece in self.pieces)

    def check_length(self, filename: str) -> None:
        limits = _limits()
        if self.consumed > limits.active().max_line_length:
            raise limits.exceeded(
                f"logical line of over {self.consumed - 1} characters",
                "max_line_length", filename=filename, line=self.lines[0])


def _emit(out: Lines, line: LogicalLine) -> None:
    if line.text[0] == "#":
        out.comments.append(Comment(line.first_line, line.last_line, line.text))
    else:
        out.items.append(line)


def recipe_lines(text: str, filename: str, recover: bool = False) -> Lines:
    """Join lines the way the recipe reader does for ``.inc`` files (spec §2.3)."""
    reader = _RecipeReader(filename, recover)
    phys = physical_lines(text)
    for number, raw in enumerate(phys, start=1):
        reader.feed(number, raw.rstrip())
    reader.finish(len(phys) + 1)
    return reader.out


@dataclass(slots=True)
class _Open:
    """A function or ``def`` block being collected."""

    kind: Kind
    name: str
    qualifiers: tuple[str, ...]
    header: LogicalLine
    body: list[str]
    last: int


class _RecipeReader:
    """The recipe reader's line state machine: residue, open function, open ``def``."""

    def __init__(self, filename: str, recover: bool) -> None:
        self.filename = filename
        self.recover = recover
        self.out = Lines()
        self.residue: list[tuple[int, str]] = []
        self.residue_size = 0
        self.block: _Open | None = None
        self.limit = _limits().active().max_line_length

    def fail(self, err: ParseError) -> None:
        if not self.recover:
            raise err
        self.out.errors.append(err)

    def feed(self, number: int, s: str) -> None:
        if self.block is not None and self._in_block(number, s):
            return
        if self.residue:
            self._check_residue(number, s)
        if s.endswith("\\"):
            self.residue.append((number, s[:-1]))
            self.residue_size += len(s)
            limits = _limits()
            if self.residue_size > limits.active().max_line_length:
                raise limits.exceeded(f"logical line of over {self.residue_size} characters",
                                      "max_line_length", filename=self.filename,
                                      line=self.residue[0][0])
            return
        line = self._join(number, s)
        if line.text:
            self._statement(line)

    def _in_block(self, number: int, s: str) -> bool:
        """Feed ``s`` to the open block; False when the line must be read normally."""
        block = self.block
        assert block is not None
        if block.kind is Kind.FUNCTION:
            if s == "}":
                self._close(number, 1)
            else:
                block.body.append(s)
                block.last = number
            return True
        if DEF_BODY.match(s):
            block.body.append(s)
            block.last = number
            return True
        self._close(block.last, len(block.body[-1]) or 1)
        return False

    def _check_residue(self, number: int, s: str) -> None:
        """Apply the two comment-in-continuation fatals (recorded when recovering)."""
        head = self.residue[0][1]
        if not head:
            self.fail(_lone_backslash(self.residue[0][0], self.filename))
        elif s.startswith("#") and head[0] != "#":
            self.fail(_comment_inside(number, self.filename, s))
        elif head[0] == "#" and not s.startswith("#"):
            joined = "".join(part for _, part in self.residue)
            self.fail(_confusing(self.residue[0][0], self.filename, joined))
        else:
            return
        # Only reached with recover=True: drop the broken continuation, read this line afresh.
        self.residue, self.residue_size = [], 0

    def _join(self, number: int, s: str) -> LogicalLine:
        if not self.residue and len(s) < self.limit:  # the common case: one plain line
            return LogicalLine(s, (number,), (0,))
        lines, starts, size = [], [], 0
        for line, part in [*self.residue, (number, s)]:
            lines.append(line)
            starts.append(size)
            size += len(part)
        text = "".join(part for _, part in self.residue) + s
        self.residue, self.residue_size = [], 0
        limits = _limits()
        if len(text) > limits.active().max_line_length:
            raise limits.exceeded(f"logical line of {len(text)} characters", "max_line_length",
                                  filename=self.filename, line=lines[0])
        return LogicalLine(text, tuple(lines), tuple(starts))

    def _statement(self, line: LogicalLine) -> None:
        text = line.text
        # Cheap necessary conditions first: a header ends with '{', a def starts with 'def'.
        m = FUNC_START.match(text) if text[-1] == "{" else None
        if m:
            quals = tuple(q for q, g in (("python", "py"), ("fakeroot", "fr")) if m.group(g))
            name = m.group("func") or "__anonymous"
            self.block = _Open(Kind.FUNCTION, name, quals, line, [], line.last_line)
            return
        m = DEF_START.match(text) if text.startswith("def") else None
        if m:
            self.block = _Open(Kind.PYTHON_DEF, m.group(1), (), line, [text], line.last_line)
            return
        _emit(self.out, line)

    def _close(self, end_line: int, end_column: int) -> None:
        block = self.block
        assert block is not None
        body = [*block.body, ""] if block.kind is Kind.FUNCTION else block.body
        self.out.items.append(
            Block(block.kind, block.name, block.qualifiers, "\n".join(body), block.header,
                  end_line, end_column)
        )
        self.block = None

    def finish(self, eof_line: int) -> None:
        block = self.block
        if block is not None and block.kind is Kind.PYTHON_DEF:
            self._close(block.last, len(block.body[-1]) or 1)
        elif block is not None:
            self.fail(ParseError(
                f"function '{block.name}' is never closed: add a line holding only '}}' "
                "(at column 1) after its body", self.filename, block.header.first_line, 1))
        if self.residue:
            self.fail(ParseError(
                "the file ends inside a '\\' continuation: remove the trailing backslash on "
                "the last statement", self.filename, self.residue[0][0], 1))


def _comment_inside(number: int, filename: str, text: str) -> ParseError:
    return ParseError(
        "a comment line sits inside a '\\'-continued statement; in .inc files (recipe syntax) "
        f"BitBake refuses this ({text!r}): move the comment above the statement",
        filename,
        number,
        1,
    )
