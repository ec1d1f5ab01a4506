"""The drift engine: resolve child and parent, run the rules, apply settings.

``check`` is the pipeline ``confdrift check`` runs: inputs → resolved builds → rules →
findings, then selection, severity overrides and suppressions from the settings (here and
nowhere else: the CLI filters nothing). The parent is resolved once however many children
are checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from confdrift import limits
from confdrift.build import resolve
from confdrift.build.view import ResolvedBuild
from confdrift.findings import Finding
from confdrift.rules import Rule, all_rules
from confdrift.rules.base import RuleContext

if TYPE_CHECKING:
    from confdrift.check.settings import Settings
    from confdrift.check.suppress import Suppression
    from confdrift.knowledge import KnowledgeBase


def check_builds(
    children: Sequence[str], parent: str | None, settings: Settings | None
) -> list[Finding]:
    """Every finding for each child against the parent (or alone, without one)."""
    # Each child's view is dropped once its findings are out: memory stays flat in the count.
    with limits.using(settings.limits if settings is not None else None):
        parent_view = resolve.resolve_build(parent, settings) if parent else None
        findings: list[Finding] = []
        for child in children:
            child_build = resolve.resolve_build(child, settings)
            findings.extend(check_build(child_build, parent_view, settings))
    return findings


def check_build(
    child: ResolvedBuild, parent: ResolvedBuild | None, settings: Settings | None
) -> list[Finding]:
    """The findings for one resolved child (after selection, severities and suppressions)."""
    ctx = RuleContext(child, parent, settings, _knowledge())
    raw = list(_run(ctx, all_rules()))
    if child.kas_map is not None or (parent is not None and parent.kas_map is not None):
        from confdrift.build.relocate import relocate

        raw = relocate(relocate(raw, child.kas_map), parent.kas_map if parent else None)
    return settle(raw, settings, _suppressions(child))


def _run(ctx: RuleContext, rules: Iterable[Rule]) -> Iterator[Finding]:
    for rule in rules:
        if rule.check is None or (rule.needs_parent and ctx.parent is None):
            continue
        yield from rule.check(ctx)


def settle(
    findings: list[Finding], settings: Settings | None, suppressions: Sequence[Suppression] = ()
) -> list[Finding]:
    """The one place settings and suppressions apply, each finding settled once.

    Selection, per-path settings and severities first (a suppression of a finding the
    settings drop is unused), then suppressions; the CD901 findings for unused suppressions
    then go through the same settings, like every other rule's.
    """
    from confdrift.check import suppress
    from confdrift.check.settings import apply_settings

    def settled(found: list[Finding]) -> list[Finding]:
        return apply_settings(found, settings) if settings is not None else found

    kept, unused = suppress.split_suppressions(settled(findings), suppressions)
    return kept + settled(unused)


def _suppressions(child: ResolvedBuild) -> tuple[Suppression, ...]:
    """The child's suppression comments, from the files its resolution parsed."""
    from confdrift.check import suppress

    if child.kas_map is not None:
        # kas's generated local.conf is not the user's file: what is on disk, if anything.
        return suppress.load_suppressions(parsed.filename for parsed in child.files)
    return suppress.suppressions_of(child.files)


def _knowledge() -> KnowledgeBase:
    from confdrift import knowledge

    return knowledge.knowledge()
