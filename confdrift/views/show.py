"""What ``confdrift show``, ``explain`` and ``rules`` print: pure functions returning strings.

Plain text (no rich): these outputs are mostly BitBake text that a user copies back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from confdrift.rules import Rule


class EntryLike(Protocol):
    """One assignment in a variable's history (``confdrift.datastore.resolved``'s entries)."""

    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def op(self) -> str: ...
    @property
    def value(self) -> str | None: ...
    @property
    def flag(self) -> str | None: ...


class Resolved(Protocol):
    """The part of ``confdrift.datastore.resolved.ResolvedConfig`` that show and explain read."""

    def get(self, name: str) -> str | None: ...
    def get_flag(self, name: str, flag: str, expand: bool = False) -> str | None: ...
    def names(self) -> Iterable[str]: ...
    def history(self, name: str) -> Sequence[EntryLike]: ...
    def is_evaluated(self, name: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class Assignment:
    """One history entry, detached from the datastore."""

    file: str
    line: int
    op: str
    #: ``None`` for steps without a value (``unset``, bare ``export``).
    value: str | None
    flag: str | None = None
    changed_final: bool = False


@dataclass(frozen=True, slots=True)
class VariableView:
    """A variable's final value and how it got there."""

    name: str
    value: str | None
    evaluated: bool
    history: tuple[Assignment, ...]
    #: Why the value was not evaluated (the first reason), for the text views.
    reason: str = ""


def collect(resolved: Resolved, names: Sequence[str]) -> list[VariableView]:
    """Views of ``names`` (every variable when empty), sorted as given or by name."""
    chosen = list(names) or sorted(resolved.names())
    return [_view(resolved, name) for name in chosen]


def _view(resolved: Resolved, spec: str) -> VariableView:
    # ``NAME[flag]`` asks for a varflag, as BitBake writes it.
    name, _, rest = spec.partition("[")
    flag = rest[:-1] if rest.endswith("]") else None
    history = tuple(
        Assignment(e.file, e.line, e.op, e.value, e.flag, bool(getattr(e, "changed_final", False)))
        for e in resolved.history(name)
        if flag is None or e.flag == flag
    )
    value = resolved.get(name) if flag is None else resolved.get_flag(name, flag, expand=True)
    evaluated = resolved.is_evaluated(name)
    reasons = getattr(resolved, "unevaluated", None)
    reason = "" if evaluated or reasons is None else next(iter(reasons(name)), "")
    return VariableView(spec if flag is not None else name, value, evaluated, history, reason)


def show_json(files: Sequence[str], views: Sequence[VariableView]) -> str:
    """``{"files": [...], "variables": {NAME: {"value", "evaluated", "history"}}}``."""
    import json

    variables = {
        v.name: {
            "value": v.value,
            "evaluated": v.evaluated,
            "history": [
                {"file": a.file, "line": a.line, "op": a.op, "value": a.value, "flag": a.flag}
                for a in v.history
            ],
        }
        for v in views
    }
    return json.dumps({"files": list(files), "variables": variables}, indent=2) + "\n"


def show_text(views: Sequence[VariableView], *, with_history: bool) -> str:
    """``NAME = "value"`` lines, each optionally followed by its history as comments."""
    lines = []
    for v in views:
        lines.append(_assignment_line(v))
        if with_history:
            lines.extend(f"#   {a.file}:{a.line} {_step(a)}" for a in v.history)
    return "\n".join(lines) + ("\n" if lines else "")


def _assignment_line(v: VariableView) -> str:
    if v.value is None:
        return f"# {v.name} is not set"
    why = v.reason or "contains Python confdrift cannot run"
    note = "" if v.evaluated else f"  # not evaluated: {why}"
    return f'{v.name} = "{v.value}"' + note


def explain_variable(v: VariableView) -> str:
    """A variable's final value and every assignment, the final ones marked."""
    lines = [_assignment_line(v), ""]
    if not v.history:
        lines.append("No assignment in the files read.")
    for a in v.history:
        mark = "*" if a.changed_final else " "
        lines.append(f"{mark} {a.file}:{a.line}  {_step(a)}")
    if any(a.changed_final for a in v.history):
        lines += ["", "* changed the final value"]
    return "\n".join(lines) + "\n"


def explain_rule(rule: Rule) -> str:
    """A rule's heading and its documentation."""
    return f"{rule.code} {rule.name} (default severity: {rule.severity.value})\n\n{rule.doc}\n"


def rules_table(rules: Sequence[Rule]) -> str:
    """One line per rule: code, name, default severity, summary."""
    width = max((len(r.name) for r in rules), default=0)
    lines = [f"{r.code}  {r.name:<{width}}  {r.severity.value:<7}  {r.summary}" for r in rules]
    return "\n".join(lines) + ("\n" if lines else "")


def _step(a: Assignment) -> str:
    flag = f"[{a.flag}] " if a.flag else ""
    return flag + (a.op if a.value is None else f'{a.op} "{a.value}"')
