"""What a rule sees: one resolved build per side, plus settings and the knowledge base."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from confdrift.build.view import ResolvedBuild
from confdrift.findings import Finding, Location, Severity

if TYPE_CHECKING:
    from confdrift.knowledge import KnowledgeBase


@dataclass(frozen=True)
class RuleContext:
    """Everything one run of the rules sees."""

    child: ResolvedBuild
    parent: ResolvedBuild | None
    #: The run's settings (parent-hashserv, parent-sstate…): read with :meth:`setting`.
    settings: object = None
    knowledge: KnowledgeBase | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def setting(self, name: str) -> Any:
        return getattr(self.settings, name, None) if self.settings is not None else None


def make(
    code: str,
    name: str,
    severity: Severity,
    message: str,
    *,
    ctx: RuleContext,
    variable: str | None = None,
    fix: str | None = None,
    with_parent: bool = False,
    scope: str | None = None,
    impact: str | None = None,
    location: Location | None = None,
) -> Finding:
    """A finding about ``variable`` located where the child decides it."""
    child = ctx.child.side(variable) if variable else None
    parent = ctx.parent.side(variable) if (variable and with_parent and ctx.parent) else None
    where = location or (child.location if child else None) or _file_only(ctx.child)
    return Finding(code, name, severity, message, where, variable, child, parent, scope, impact,
                   fix)


def _file_only(view: ResolvedBuild) -> Location | None:
    return Location(view.local_conf) if view.local_conf else None


def assignment(name: str, value: str) -> str:
    """The local.conf line that sets ``name`` to ``value`` (quotes chosen as BitBake needs)."""
    quote = "'" if '"' in value and "'" not in value else '"'
    return f"{name} = {quote}{value}{quote}"


def findings(*items: Finding | None) -> Iterator[Finding]:
    """Yield the findings that are not ``None``."""
    return (item for item in items if item is not None)
