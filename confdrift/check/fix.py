"""``confdrift check --fix``: rewrite a child's assignments to the parent's values.

A finding is fixable when every step of its structured fix (``Finding.remedy``) is an
:class:`~confdrift.findings.Assign`: the child's last plain top-level assignment of its
target (``VAR`` or ``VAR[flag]``) is replaced in place by the assignment's line; without
one, the line is appended under a comment header. Every other byte, and the file's
line-ending style, is kept; a second run changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from confdrift.errors import UsageError
from confdrift.findings import Assign, Finding
from confdrift.syntax.nodes import Kind, Statement

HEADER = "# Added by confdrift --fix: match the parent build's signatures"
#: Operators whose statement sets the whole value; editing ``+=`` or ``:append`` in place
#: would change what the other assignments contribute.
_SETTERS = frozenset({"=", ":=", "?=", "??="})
_LINE = re.compile(r"[^\n]*\n|[^\n]+")


def fixable(variable: str, line: str) -> bool:
    """Whether the text ``line`` is a single assignment of ``variable`` that --fix can write."""
    statement = _parse_fix(line)
    return statement is not None and _target(statement) == variable


def apply_fixes(text: str, fixes: Sequence[tuple[str, str]], filename: str = "<fix>") -> str:
    """``text`` with every fix given as text, ``(variable, line)``, applied (each line must
    be one assignment of its variable: see :func:`fixable`)."""
    for variable, line in fixes:
        if not fixable(variable, line):
            raise UsageError(f"not an assignment of {variable}: {line!r}")
    return _apply(text, fixes, filename)


def apply_assignments(text: str, fixes: Sequence[Assign], filename: str = "<fix>") -> str:
    """``text`` with every assignment applied (see the module docstring)."""
    return _apply(text, [(a.target, str(a)) for a in fixes], filename)


def _apply(text: str, fixes: Sequence[tuple[str, str]], filename: str) -> str:
    lines = _LINE.findall(text)
    eol = "\r\n" if "\r\n" in text else "\n"
    statements = _statements("".join(lines), filename)
    appended: list[str] = []
    #: The statement each fix rewrites; a later fix of the same variable wins.
    rewrites: dict[int, tuple[Statement, str]] = {}
    for variable, line in fixes:
        found = _last_setter(statements, variable)
        if found is None:
            appended.append(line)
        else:
            rewrites[found.span.line] = (found, line)
    # Bottom up: a rewrite never moves the lines of a statement above it.
    for _, (found, line) in sorted(rewrites.items(), reverse=True):
        _replace(lines, found, line, eol)
    return "".join(lines) + _appendix(lines, appended, eol)


def _parse_fix(line: str) -> Statement | None:
    from confdrift.errors import ParseError
    from confdrift.syntax.parse import parse_text

    try:
        statements = parse_text(line + "\n", "local.conf").statements
    except ParseError:
        return None
    if len(statements) != 1 or statements[0].kind is not Kind.ASSIGN:
        return None
    return statements[0]


def _target(statement: Statement) -> str:
    return f"{statement.name}[{statement.flag}]" if statement.flag else str(statement.name)


def _statements(text: str, filename: str) -> tuple[Statement, ...]:
    from confdrift.syntax.parse import parse_text

    # With recovery: a file BitBake rejects (a comment after a value) is what --fix mends.
    return parse_text(text, filename, recover=True).statements


def _last_setter(statements: Sequence[Statement], variable: str) -> Statement | None:
    mine = [s for s in statements if s.kind is Kind.ASSIGN and _target(s) == variable]
    if not mine or mine[-1].op not in _SETTERS:
        return None
    return mine[-1]


def _replace(lines: list[str], old: Statement, line: str, eol: str) -> None:
    first, last = old.span.line, old.span.end_line
    ending = eol if lines[last - 1].endswith("\n") else ""
    lines[first - 1 : last] = [*_moved_comment(old, eol), line + ending]


def _moved_comment(old: Statement, eol: str) -> list[str]:
    """A comment BitBake rejected after the value, kept on its own line above."""
    if not old.recovered:
        return []
    quote = old.text.find(old.value or "", old.text.index(old.op or "=")) + len(old.value or "")
    comment = old.text[quote + 1 :].strip()
    return [comment + eol] if comment.startswith("#") else []


def _appendix(lines: list[str], appended: list[str], eol: str) -> str:
    if not appended:
        return ""
    lead = eol if lines and not lines[-1].endswith("\n") else ""
    return lead + eol.join([HEADER, *appended]) + eol


def fix_files(
    children: Sequence[str], findings: Sequence[Finding]
) -> tuple[list[Finding], list[tuple[Path, int, Path | None]]]:
    """Apply the fixable findings to their child files (each kept as ``FILE.orig``).

    Returns the findings left unfixed and, per rewritten file, ``(path, fixes, backup)``.
    """
    from confdrift.atomic import write_atomic

    fixed: set[int] = set()
    written = []
    for path, group in _plan(children, findings).items():
        before, after = _fixed_text(path, group)
        if after != before:
            written.append((path, len(group), write_atomic(path, after, backup=True)))
        fixed.update(id(f) for f in group)
    return [f for f in findings if id(f) not in fixed], written


def diff_files(children: Sequence[str], findings: Sequence[Finding]) -> str:
    """What :func:`fix_files` would change, as a unified diff."""
    import difflib

    chunks: list[str] = []
    for path, group in _plan(children, findings).items():
        before, after = _fixed_text(path, group)
        old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
        a, b = (str(path), str(path)) if path.is_absolute() else (f"a/{path}", f"b/{path}")
        chunks.extend(difflib.unified_diff(old, new, a, b))
    return "".join(chunks)


def _plan(children: Sequence[str], findings: Sequence[Finding]) -> dict[Path, list[Finding]]:
    # Only the children named on the command line are edited (a build directory's or a
    # kas project's local.conf stays untouched unless it is a file the user named).
    wanted = {p.resolve(): p for p in map(_local_conf, children) if p is not None}
    grouped: dict[Path, list[Finding]] = {path: [] for path in wanted.values()}
    for f in findings:
        where = Path(f.location.file).resolve() if f.location else None
        if where in wanted and _assignments(f):
            grouped[wanted[where]].append(f)
    return {path: group for path, group in grouped.items() if group}


def _assignments(f: Finding) -> tuple[Assign, ...]:
    """What --fix writes for ``f``: its fix's assignments, when every step is one that fits
    on a line (nothing for a removal or a layer change, which stay for the user)."""
    found = f.remedy.assignments if f.remedy is not None else None
    if found is None or any("\n" in a.value for a in found):
        return ()
    return found


def _local_conf(child: str) -> Path | None:
    """The file --fix edits for what the user named: the file, or a build's local.conf."""
    from confdrift.build.inputs import classify

    build = classify(child, hints=False)  # only the file is wanted, not its labels
    if build.kind == "builddir":  # a build directory, or a file of its conf/
        return build.local_conf
    return Path(child) if build.kind == "file" else None  # never a kas project's YAML


def _fixed_text(path: Path, group: Sequence[Finding]) -> tuple[str, str]:
    try:
        before = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read for --fix: {exc}", str(path)) from exc
    return before, apply_assignments(before, [a for f in group for a in _assignments(f)],
                                     str(path))
