"""CD9xx: rules about confdrift itself. Their findings come from suppress.py, not a check."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from confdrift.errors import ConfdriftError
from confdrift.findings import Finding, Location, Severity
from confdrift.rules.registry import Rule, register, rule

if TYPE_CHECKING:
    from confdrift.build.view import ResolvedBuild
    from confdrift.rules.base import RuleContext

UNUSED_SUPPRESSION = register(
    Rule(
        code="CD901",
        name="unused-suppression",
        severity=Severity.WARNING,
        summary="A `# confdrift: ignore[...]` comment suppresses nothing",
        doc="""\
## What it does
Reports a suppression comment (`# confdrift: ignore[CODE]` above an assignment, or
`# confdrift: file-ignore[CODE]` anywhere in a file) that matched no finding.

## Why it matters
A suppression outlives the drift it excused: once the child matches its parent again, the
comment stays and would silently hide the next, possibly different, drift on that line.

## Example
```
# confdrift: ignore[CD101]
PACKAGE_CLASSES = "package_ipk"
```
when `PACKAGE_CLASSES` no longer differs from the parent.

## How to fix
Delete the comment, or the codes in it that no longer match anything.""",
    )
)


@rule("CD902", "not-evaluated", Severity.INFO,
      "A value holds inline Python that confdrift does not evaluate")
def not_evaluated(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Names the variables the user's files set, or that the knowledge base says change task
    signatures, whose value holds `${@...}` code confdrift did not evaluate — with the
    expression and the reason.

    ## Why it matters
    confdrift never runs Python from a configuration. It evaluates a safe subset
    (`d.getVar`, `bb.utils.contains`, `oe.utils.conditional`, string operations…); for
    anything else it compares the unexpanded text, and says so here instead of guessing.

    ## How to fix
    Nothing to fix in the configuration; check the value with `bitbake-getvar` if the
    comparison matters.
    """
    views = [("child", ctx.child)] + ([("parent", ctx.parent)] if ctx.parent else [])
    for name in sorted(_watched(ctx)):
        for side, view in views:
            reasons = _reasons(view, name)
            if reasons:
                prefix = "" if side == "child" else "in the parent: "
                yield not_evaluated.finding_at(view.location(name) or _file(ctx.child),
                                               f"{prefix}{name} was not evaluated: {reasons[0]}",
                                               variable=name)
                break


def _watched(ctx: RuleContext) -> set[str]:
    """What the user wrote, and the variables whose comparison the gap leaves open: known to
    change signatures, with different unexpanded text on the two sides."""
    views = [v for v in (ctx.child, ctx.parent) if v is not None]
    names = {s.name for v in views for p in v.files for s in p.statements
             if s.name and ":" not in s.name}
    kb, parent = ctx.knowledge, ctx.parent
    if kb is not None and parent is not None:
        names |= {e.name for e in kb.entries() if "*" not in e.name
                  and str(e.scope) not in ("none", "wiring")
                  and _unexpanded(ctx.child, e.name) != _unexpanded(parent, e.name)}
    return names


def _unexpanded(view: ResolvedBuild, name: str) -> str | None:
    try:
        return view.config.get_unexpanded(name)
    except ConfdriftError:
        return None


def _reasons(view: ResolvedBuild, name: str) -> tuple[str, ...]:
    unevaluated = getattr(view.config, "unevaluated", None)
    if unevaluated is None:
        return ()
    try:
        return tuple(unevaluated(name))
    except ConfdriftError:
        return ()


def _file(view: ResolvedBuild) -> Location | None:
    return Location(view.local_conf) if view.local_conf else None
