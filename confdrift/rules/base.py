"""What a rule sees: one resolved build per side, plus settings and the knowledge base."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from confdrift.findings import Assign, Finding

if TYPE_CHECKING:
    from confdrift.build.view import ResolvedBuild

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


def assignment(name: str, value: str, op: str = "=") -> Assign:
    """The local.conf line that sets ``name`` to ``value`` (quotes chosen as BitBake needs)."""
    return Assign(name, value, op)


def findings(*items: Finding | None) -> Iterator[Finding]:
    """Yield the findings that are not ``None``."""
    return (item for item in items if item is not None)
