"""The drift engine: resolve child and parent, run the rules, apply settings.

``check`` is the pipeline ``confdrift check`` runs: inputs → resolved builds → rules →
findings, then selection, severity overrides and suppressions from the settings. The parent
is resolved once however many children are checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from confdrift import limits
from confdrift.build import resolve
from confdrift.build.view import ResolvedBuild
from confdrift.findings import Finding
from confdrift.rules import Rule, all_rules
from confdrift.rules.base import RuleContext


def check_builds(children: Sequence[str], parent: str | None, settings: Any) -> list[Finding]:
    """Every finding for each child against the parent (or alone, without one)."""
    # Each child's view is dropped once its findings are out: memory stays flat in the count.
    with limits.using(getattr(settings, "limits", None)):
        parent_view = resolve.resolve_build(parent, settings) if parent else None
        findings: list[Finding] = []
        for child in children:
            child_build = resolve.resolve_build(child, settings)
            findings.extend(check_build(child_build, parent_view, settings))
    return findings


def check_build(child: ResolvedBuild, parent: ResolvedBuild | None, settings: Any) -> list[Finding]:
    """The findings for one resolved child (after selection, severities and suppressions)."""
    ctx = RuleContext(child, parent, settings, _knowledge())
    raw = list(_run(ctx, all_rules()))
    if child.kas_map is not None or (parent is not None and parent.kas_map is not None):
        from confdrift.build.relocate import relocate

        raw = relocate(relocate(raw, child.kas_map), parent.kas_map if parent else None)
    return _settle(raw, child, settings)


def _run(ctx: RuleContext, rules: Iterable[Rule]) -> Iterator[Finding]:
    for rule in rules:
        if rule.check is None or (rule.needs_parent and ctx.parent is None):
            continue
        yield from rule.check(ctx)


def _settle(findings: list[Finding], child: ResolvedBuild, settings: Any) -> list[Finding]:
    """Selection, per-path settings and severities, then suppressions."""
    from confdrift.check import settings as config
    from confdrift.check import suppress

    if settings is not None:
        findings = config.apply_settings(findings, settings)
    files = [parsed.filename for parsed in child.files]
    suppressions = suppress.load_suppressions(files)
    return list(suppress.apply_suppressions(findings, suppressions))


def _knowledge() -> Any:
    from confdrift import knowledge

    return knowledge.knowledge()


