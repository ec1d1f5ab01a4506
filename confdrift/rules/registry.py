"""The registry itself: a rule's entry, and the table every rule module registers into.

Rule modules import this module (not the package ``confdrift.rules``, which imports them):
``@rule(...)`` gives back the :class:`Rule`, and the rule's entry makes its findings, so a
code and a name are written once, where the rule is declared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple

from confdrift.findings import Finding, Fix, FixStep, Location, Severity, Side

if TYPE_CHECKING:
    from confdrift.build.view import ResolvedBuild
    from confdrift.rules.base import RuleContext

#: A rule's check: takes the engine's context, yields findings.
CheckFn = Callable[["RuleContext"], Iterable[Finding]]
#: What a rule's finding accepts as its fix: a whole fix, or its one step.
FixArg = Fix | FixStep | None


class Rule(NamedTuple):
    """One rule's identity and documentation; it makes the rule's findings."""

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

    def finding(
        self,
        ctx: RuleContext,
        message: str,
        *,
        variable: str | None = None,
        fix: FixArg = None,
        with_parent: bool = False,
        scope: str | None = None,
        impact: str | None = None,
        location: Location | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding about ``variable`` located where the child decides it (else at the
        child's local.conf); ``with_parent`` adds the parent's side."""
        child = ctx.child.side(variable) if variable else None
        parent = ctx.parent.side(variable) if (variable and with_parent and ctx.parent) else None
        where = location or (child.location if child else None) or _file_only(ctx.child)
        return self.finding_at(where, message, variable=variable, child=child, parent=parent,
                               scope=scope, impact=impact, fix=fix, severity=severity)

    def finding_at(
        self,
        location: Location | None,
        message: str,
        *,
        variable: str | None = None,
        child: Side | None = None,
        parent: Side | None = None,
        scope: str | None = None,
        impact: str | None = None,
        fix: FixArg = None,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding of this rule at ``location``, at the rule's severity unless told."""
        remedy = fix if fix is None or isinstance(fix, Fix) else Fix.of(fix)
        return Finding(self.code, self.name, severity or self.severity, message, location,
                       variable, child, parent, scope, impact, remedy)


def _file_only(view: ResolvedBuild) -> Location | None:
    return Location(view.local_conf) if view.local_conf else None


_REGISTRY: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    """Add ``rule`` to the registry (called once per rule, at import of its module)."""
    if rule.code in _REGISTRY:
        raise ValueError(f"duplicate rule code {rule.code}")
    _REGISTRY[rule.code] = rule
    return rule


def rule(
    code: str, name: str, severity: Severity, summary: str, *, needs_parent: bool = False
) -> Callable[[CheckFn], Rule]:
    """Register the decorated check as a rule and give back its :class:`Rule`; the check's
    docstring is the rule's documentation."""

    def wrap(check: CheckFn) -> Rule:
        import inspect

        doc = inspect.cleandoc(check.__doc__ or summary)
        return register(Rule(code, name, severity, summary, doc, check, needs_parent))

    return wrap


def registered() -> tuple[Rule, ...]:
    """Every rule registered so far, ordered by code."""
    return tuple(sorted(_REGISTRY.values(), key=lambda r: r.code))
