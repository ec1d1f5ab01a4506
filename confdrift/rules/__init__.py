"""The rule registry: every rule confdrift has, in one explicit table.

A rule is one documented unit with a stable code (``CD`` + three digits, never reused)
and a kebab-case name. Codes are grouped by hundreds:

- ``CD0xx`` input: what BitBake would refuse to read;
- ``CD1xx`` signature drift between child and parent;
- ``CD2xx`` layer drift;
- ``CD3xx`` cache wiring (can the child reach the parent's sstate and hash server?);
- ``CD9xx`` confdrift itself (unused suppressions, values it could not evaluate).

A rule states a fact with a default severity; configuration decides how much it matters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from confdrift.findings import Severity

if TYPE_CHECKING:
    from confdrift.findings import Finding

#: A rule's check: takes the engine's context (``confdrift.rules.base.Context``), yields findings.
CheckFn = Callable[[Any], "Iterable[Finding]"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule's identity and documentation."""

    code: str
    name: str
    severity: Severity
    #: One line, shown by ``confdrift rules``.
    summary: str
    #: Markdown: What it does / Why it matters / Example / How to fix.
    doc: str
    #: The check run by the engine; ``None`` for rules whose findings another stage
    #: produces (input errors come from the parser, unused suppressions from suppress.py).
    check: CheckFn | None = None
    #: Whether the rule compares child and parent (skipped when there is no parent).
    needs_parent: bool = False


_REGISTRY: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    """Add ``rule`` to the registry (called once per rule, at import of its module)."""
    if rule.code in _REGISTRY:
        raise ValueError(f"duplicate rule code {rule.code}")
    _REGISTRY[rule.code] = rule
    return rule


def rule(
    code: str, name: str, severity: Severity, summary: str, *, needs_parent: bool = False
) -> Callable[[CheckFn], CheckFn]:
    """Register the decorated check as a rule; its docstring is the rule's documentation."""

    def wrap(check: CheckFn) -> CheckFn:
        doc = _dedent(check.__doc__ or summary)
        register(Rule(code, name, severity, summary, doc, check, needs_parent))
        return check

    return wrap


def _dedent(text: str) -> str:
    import inspect

    return inspect.cleandoc(text)


def all_rules() -> tuple[Rule, ...]:
    """Every rule, ordered by code."""
    _load_rule_modules()
    return tuple(sorted(_REGISTRY.values(), key=lambda r: r.code))


def lookup(code_or_name: str) -> Rule | None:
    """The rule with this code (``CD101``) or name (``package-classes-drift``)."""
    key = code_or_name.strip()
    for candidate in all_rules():
        if key.upper() == candidate.code or key.lower() == candidate.name:
            return candidate
    return None


def _load_rule_modules() -> None:
    # The explicit list of rule modules: adding a module means adding it here.
    import importlib

    for module in _RULE_MODULES:
        importlib.import_module(f"confdrift.rules.{module}")


_RULE_MODULES: tuple[str, ...] = ("input", "signature", "layers", "wiring", "probes", "meta")
