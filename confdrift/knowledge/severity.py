"""The one place a drift's severity is decided; everything else gathers the facts.

A finding's severity starts here and nowhere else (the settings may still override it):

- the knowledge entry's own severity, which ``variables.toml`` sets and validates against
  its ``[severity_by_scope]`` table (data, not a decision);
- :func:`for_recipe`: an entry reached through ``VAR:pn-<recipe>`` (what
  :meth:`KnowledgeBase.entry` hands out);
- :func:`decide`: a child/parent difference, from the :class:`Facts` a rule collected.
"""

from __future__ import annotations

from dataclasses import dataclass

from confdrift.findings import Severity
from confdrift.knowledge.compare import differing_items, same
from confdrift.knowledge.model import Scope, VariableEntry


@dataclass(frozen=True, slots=True)
class Facts:
    """What a rule knows about one differing variable."""

    #: The variable's knowledge entry (``None``: no signature knowledge of it).
    entry: VariableEntry | None
    child: str | None = None
    parent: str | None = None
    #: Compare the values (else the entry's severity stands: statements compared as text).
    compare_values: bool = True
    #: The name is scoped to one recipe (``VAR:pn-foo``).
    recipe_scoped: bool = False
    #: The child's own files set the variable.
    user_set: bool = False
    #: The entry's narrowing variable (``narrowed_by``) is equal and known on both sides.
    narrowed: bool = False


def decide(facts: Facts) -> Severity:
    """The severity of a difference between child and parent."""
    entry = facts.entry
    if entry is None:
        # No knowledge: one recipe's setting, or a variable the user set, is worth a look.
        return Severity.WARNING if facts.recipe_scoped or facts.user_set else Severity.INFO
    if facts.narrowed and entry.narrowed is not None:
        return entry.narrowed.severity
    if not facts.compare_values:
        return entry.severity
    return verdict(entry, facts.child, facts.parent)


def for_recipe(entry: VariableEntry, foundational: bool) -> Severity:
    """An entry's severity narrowed to one recipe: error for a recipe much of the graph
    builds on, else warning (``info`` stays ``info``)."""
    if entry.severity is Severity.INFO:
        return entry.severity
    return Severity.ERROR if foundational else Severity.WARNING


def verdict(entry: VariableEntry, child_value: str | None, parent_value: str | None) -> Severity:
    """How much a child/parent difference in this variable matters.

    Values equal under the entry's comparison, and variables no signature reads, give
    ``info``.  Words with per-item reach take the worst differing word; a list whose
    first word is equal takes ``tail_severity``.  An entry narrowed to one recipe
    (``VAR:pn-foo``) never exceeds its own severity: one recipe is not the whole graph.
    """
    if entry.scope is Scope.NONE or same(entry, child_value, parent_value):
        return Severity.INFO
    severity = _unbounded(entry, child_value, parent_value)
    if entry.recipe is not None:
        return min(severity, entry.severity, key=lambda s: s.rank)
    return severity


def _unbounded(entry: VariableEntry, child: str | None, parent: str | None) -> Severity:
    if entry.items or entry.item_default is not None:
        return _worst([i.severity for i in differing_items(entry, child, parent)])
    if entry.tail_severity is not None and _first_word(child) == _first_word(parent):
        return entry.tail_severity
    return entry.severity


def _worst(severities: list[Severity]) -> Severity:
    return max(severities, key=lambda s: s.rank, default=Severity.INFO)


def _first_word(value: str | None) -> str:
    words = (value or "").split()
    return words[0] if words else ""
