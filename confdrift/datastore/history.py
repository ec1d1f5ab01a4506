"""Per-variable provenance: every step that touched a variable, like ``bitbake -e``'s comments.

The datastore records a :class:`Step` for each statement it evaluates; once loading is done,
:func:`entries` turns them into immutable :class:`HistoryEntry` values and decides for each
whether it still shapes the final value (a lost ``?=``, an overwritten ``=``, a weak default
under a strong value, an inactive ``:append:o`` or a ``:remove`` that removed nothing do not).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple


class HistoryEntry(NamedTuple):
    """One step in a variable's history, in evaluation order."""

    #: The name as written: ``A``, ``A:append:o``, ``A:o`` (a variant of ``A``).
    variable: str
    file: str
    #: 1-based line of the statement (0 for values set from outside, e.g. ``overrides``).
    line: int
    #: The operator or action: ``=``, ``?=``, ``??=``, ``:=``, ``+=``, ``=+``, ``.=``, ``=.``,
    #: ``:append``, ``:prepend``, ``:remove``, ``export``, ``unset``, ``unset-flag``, ``env``.
    op: str
    #: The raw value as written (``:=``: the text before expansion); ``None`` for unset/export.
    value: str | None
    flag: str | None
    #: Whether this step still determines or changes the final value (or flag value).
    changed_final: bool
    #: Why a step does not count, in plain words ("" when it does).
    note: str = ""


#: What a step wrote: ``content``, ``default``, ``pending``, ``flag``, ``flagdefault``, ``unset``.
Slot = str


@dataclass
class Step:
    """A mutable history record kept while statements are evaluated."""

    record: str
    variable: str
    file: str
    line: int
    op: str
    value: str | None
    slot: Slot
    flag: str | None = None
    condition: str | None = None
    applied: bool = True
    note: str = ""
    superseded_by: int | None = field(default=None)
    #: Position in the whole load, set by the recorder (orders entries across variants).
    order: int = 0


class Recorder:
    """Collects steps per record name and marks the ones later steps make irrelevant."""

    def __init__(self) -> None:
        self.steps: dict[str, list[Step]] = {}
        self._count = 0
        #: Per record, the steps no later step has superseded yet, by (slot, flag): marking
        #: touches only these, so a variable assigned 100,000 times costs linear time.
        self._live: dict[str, dict[tuple[Slot, str | None], list[Step]]] = {}

    def add(self, step: Step) -> None:
        self._count += 1
        step.order = self._count
        steps = self.steps.setdefault(step.record, [])
        live = self._live.setdefault(step.record, {})
        if step.slot in ("content", "unset") and step.applied and _resets(step):
            self._supersede(live, ("content", "unset"))
        if step.slot == "unset":
            self._supersede(live, ("default", "pending", "flag", "flagdefault"))
        if step.slot == "default":
            self._supersede(live, ("default",))
        if step.slot in ("flag", "flagdefault") and step.applied and _resets(step):
            self._supersede(live, (step.slot,), flag=step.flag)
        steps.append(step)
        live.setdefault((step.slot, step.flag), []).append(step)

    def _supersede(
        self, live: dict[tuple[Slot, str | None], list[Step]], slots: tuple[str, ...],
        flag: str | None = None,
    ) -> None:
        for key in [k for k in live if k[0] in slots and (flag is None or k[1] == flag)]:
            for old in live.pop(key):
                old.superseded_by = self._count


def _resets(step: Step) -> bool:
    """``=``, ``:=``, an applied ``?=`` and ``unset`` replace what was there before."""
    return step.op in ("=", ":=", "?=", "unset", "env", "set")


class FinalState(NamedTuple):
    """Facts about the final read that decide which steps count."""

    has_content: bool
    variant_won: bool
    #: False for an override variant that the final read did not choose.
    chosen: bool
    condition_active: Callable[[str | None], bool]
    remove_matched: Callable[[str], bool]


def entries(steps: list[Step], state: FinalState) -> list[HistoryEntry]:
    """Immutable entries for one record's steps, each with ``changed_final`` decided."""
    return [_entry(step, state) for step in steps]


def _entry(step: Step, state: FinalState) -> HistoryEntry:
    counts, note = _counts(step, state)
    return HistoryEntry(
        variable=step.variable,
        file=step.file,
        line=step.line,
        op=step.op,
        value=step.value,
        flag=step.flag,
        changed_final=counts,
        note=step.note or note,
    )


def _counts(step: Step, state: FinalState) -> tuple[bool, str]:
    if not step.applied:
        return False, "not applied"
    if step.superseded_by is not None:
        return False, "replaced by a later statement"
    if step.slot in ("flag", "flagdefault", "unset"):
        return True, ""
    if not state.chosen:
        return False, "override variant not chosen"
    if step.slot == "pending":
        return _pending_counts(step, state)
    if state.variant_won:
        return False, "an override variant supplies the value"
    if step.slot == "default" and state.has_content:
        return False, "weak default unused: a strong value is set"
    return True, ""


def _pending_counts(step: Step, state: FinalState) -> tuple[bool, str]:
    if not state.condition_active(step.condition):
        return False, f"condition {step.condition} is not active"
    if step.op == ":remove" and not state.remove_matched(step.value or ""):
        return False, "removed nothing"
    return True, ""
