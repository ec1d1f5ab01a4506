"""One-line helpers for rule tests: a build from a dict of resolved values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from confdrift.build.view import ResolvedBuild
from confdrift.datastore.history import HistoryEntry
from confdrift.findings import Finding
from confdrift.rules import all_rules
from confdrift.rules.base import RuleContext


class DictConfig:
    """A resolved configuration made of plain values, each 'set' in local.conf at line 1."""

    def __init__(self, values: Mapping[str, str], raw: Mapping[str, str] | None = None) -> None:
        self.values = dict(values)
        self.raw = dict(raw or {})

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def get_unexpanded(self, name: str) -> str | None:
        return self.raw.get(name, self.values.get(name))

    def names(self) -> list[str]:
        return list(self.values)

    def history(self, name: str) -> Sequence[HistoryEntry]:
        if name not in self.values:
            return []
        line = 1 + sorted(self.values).index(name)
        return [HistoryEntry(name, "conf/local.conf", line, "=", self.values[name], None, True)]


def view(values: Mapping[str, str], **kwargs: Any) -> ResolvedBuild:
    return ResolvedBuild("build", DictConfig(values), local_conf="conf/local.conf", **kwargs)


def run(child: Mapping[str, str], parent: Mapping[str, str] | None = None,
        settings: Any = None, knowledge: Any = None) -> list[Finding]:
    """Every finding the registered rules produce for these values."""
    parent_build = view(parent) if parent is not None else None
    ctx = RuleContext(view(child), parent_build, settings, knowledge)
    found: list[Finding] = []
    for rule in all_rules():
        if rule.check is None or (rule.needs_parent and ctx.parent is None):
            continue
        found.extend(rule.check(ctx))
    return found


def codes(findings: Sequence[Finding]) -> list[str]:
    return sorted(f.code for f in findings)
