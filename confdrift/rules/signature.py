"""CD1xx: signature drift — child and parent values that change task signatures.

The knowledge base says which variables reach which task signatures; these rules compare
the two resolved builds (``confdrift.rules.drift`` finds and groups the differences) and turn each
difference into one finding with both values, their origins and the fix line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from confdrift.findings import Finding, Fix, Remove, Severity
from confdrift.rules.base import RuleContext, assignment
from confdrift.rules.registry import Rule, rule

if TYPE_CHECKING:
    from confdrift.rules import drift
    from confdrift.rules.diff import Change

E, W = Severity.ERROR, Severity.WARNING


def _fix(ctx: RuleContext, name: str) -> Fix:
    parent = ctx.parent
    value = parent.get(name) if parent else None
    if value is None:
        return Fix.of(Remove(name))
    return Fix.of(assignment(name, value))


def _items_fix(d: drift.Drift) -> Fix | None:
    """Align a set of words item by item, keeping what the child's release adds itself."""
    if d.change is None:
        return None
    steps = []
    if d.change.removed:
        steps.append(assignment(f"{d.name}:append", " " + " ".join(d.change.removed)))
    if d.change.added:
        steps.append(assignment(f"{d.name}:remove", " ".join(d.change.added)))
    return Fix(tuple(steps)) if steps else None


#: A rule's finding for ``d`` uses the drift's own fix, else the parent's value.
_DEFAULT_FIX = Fix(())


def _finding(ctx: RuleContext, entry: Rule, d: drift.Drift, message: str,
             fix: Fix | None = _DEFAULT_FIX) -> Finding:
    """The finding of ``entry`` for ``d``; ``fix`` defaults to the drift's own, else the
    parent's value."""
    if fix is _DEFAULT_FIX:
        fix = d.fix or _fix(ctx, d.name)
    found = entry.finding(ctx, message, variable=d.name, with_parent=True, scope=d.scope,
                          impact=d.impact, fix=fix, severity=d.severity)
    if d.sides is None:
        return found
    child, parent = d.sides
    return found._replace(child=child, parent=parent,
                          location=child.location or found.location)


@rule("CD101", "signature-drift", E,
      "A variable that changes task signatures differs from the parent's", needs_parent=True)
def signature_drift(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares every variable the knowledge base knows to change task signatures (MACHINE,
    DISTRO, TCLIBC, INIT_MANAGER, DEFAULTTUNE, IMAGE_FSTYPES…) between child and parent,
    after resolving both builds the way BitBake does (release defaults, distro and machine
    configuration included).

    ## Why it matters
    A task whose signature differs cannot be restored from the parent's sstate. The severity
    follows the variable's scope: nearly every task (error), machine- or recipe-specific
    tasks (warning), image or SDK tasks only (info).

    ## Example
    The parent builds `MACHINE = "qemux86-64"`, the child `MACHINE = "qemuarm64"`: about
    half of the child's setscene tasks (51.2% reusable, measured) cannot come from the cache.

    ## How to fix
    Use the parent's value (the fix line), or accept the rebuild knowingly.
    """
    from confdrift.rules import drift  # on first check: `confdrift rules` never loads it

    for d in drift.differences(ctx):
        if d.kind == drift.KNOWN:
            yield _finding(ctx, signature_drift, d, _message(d))


@rule("CD102", "feature-set-drift", E,
      "DISTRO_FEATURES (or another set of words) differs in items that tasks test",
      needs_parent=True)
def features_drift(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares `DISTRO_FEATURES`, `MACHINE_FEATURES` and other feature lists as *sets of
    words*, item by item, and says how far each differing item reaches.

    ## Why it matters
    BitBake hashes a membership test (`bb.utils.contains`) as "item set/unset", not the whole
    string: order and spacing do not matter, but each item does — `usrmerge` is tested by
    2,740 of core-image-minimal's tasks, most items by fewer than 10.

    ## How to fix
    Add or remove the items with `DISTRO_FEATURES:append`/`:remove` so the sets match.
    """
    from confdrift.rules import drift

    for d in drift.differences(ctx):
        if d.kind == drift.FEATURES:
            yield _finding(ctx, features_drift, d, _features_message(d),
                           fix=_items_fix(d))


@rule("CD103", "package-classes-drift", E,
      "PACKAGE_CLASSES differs: its first entry picks the package format of the rootfs",
      needs_parent=True)
def package_classes_drift(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares `PACKAGE_CLASSES` as an ordered list.

    ## Why it matters
    Every `do_package_write_*` task of a class the parent did not build is new, and the first
    entry picks the image's package backend (`IMAGE_PKGTYPE`). In the story behind confdrift
    the child said `package_ipk` while poky's default is `package_rpm`: 94.1% of its setscene
    tasks reusable (measured); an extra class after the parent's own is 99.8%.

    ## How to fix
    Use the parent's `PACKAGE_CLASSES` (for poky: `package_rpm`).
    """
    from confdrift.rules import drift

    for d in drift.differences(ctx):
        if d.kind == drift.ORDERED:
            yield _finding(ctx, package_classes_drift, d, _ordered_message(d))


@rule("CD104", "recipe-scoped-drift", W,
      "A recipe-scoped setting (VAR:pn-foo) differs", needs_parent=True)
def recipe_drift(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares override-qualified settings for one recipe, such as
    `PACKAGECONFIG:pn-busybox` or `PACKAGECONFIG:append:pn-qemu-system-native`.

    ## Why it matters
    The recipe and everything built on it get new signatures; the rest of the build is not
    affected.

    ## How to fix
    Write the same recipe-scoped line as the parent.
    """
    from confdrift.rules import drift

    for d in drift.differences(ctx):
        if d.kind == drift.RECIPE:
            yield _finding(ctx, recipe_drift, d,
                           f"{d.name} differs from the parent's; it reaches {d.scope} and "
                           "what builds on it")


@rule("CD105", "unknown-impact-drift", W,
      "A variable confdrift has no knowledge of differs from the parent's", needs_parent=True)
def unknown_drift(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports every other variable whose value differs, unless BitBake excludes it from task
    signatures (`BB_BASEHASH_IGNORE_VARS`, `BB_HASHCONFIG_IGNORE_VARS`).

    ## Why it matters
    Whether it changes signatures depends on which tasks read it; confdrift says so instead
    of staying silent. Check with `bitbake-diffsigs` if the rebuild matters.

    ## How to fix
    Use the parent's value, or suppress the finding once you know it is harmless.
    """
    from confdrift.rules import drift

    for d in drift.differences(ctx):
        if d.kind == drift.UNKNOWN:
            yield _finding(ctx, unknown_drift, d,
                           f"{d.name} differs from the parent's; its effect on task "
                           "signatures is unknown to confdrift")


def _message(d: drift.Drift) -> str:
    text = f"{d.name} differs from the parent's"
    if d.scope:
        text += f"; it reaches {d.scope_text}"
    if d.folded:
        shown = ", ".join(d.folded[:6]) + (", …" if len(d.folded) > 6 else "")
        text += (f" (and {len(d.folded)} variables set by the configuration it selects "
                 f"follow: {shown})")
    return text


def _entry(word: str | None) -> str:
    return "unset" if word is None else repr(word)


def _features_message(d: drift.Drift) -> str:
    parts = [f"{d.name} differs in items:"]
    for item, side, reach in d.items:
        where = "only the child has" if side == "child" else "only the parent has"
        parts.append(f"{where} {item!r} ({reach})")
    return " ".join(parts[:1]) + " " + "; ".join(parts[1:])


def _ordered_message(d: drift.Drift) -> str:
    change: Change | None = d.change
    if change is not None and change.first_changed:
        return (f"{d.name}: the first entry differs (child {_entry(d.first_child)}, parent "
                f"{_entry(d.first_parent)}); it picks the rootfs package backend and every "
                "do_package_write_* task of the other class is new")
    return f"{d.name} has entries the parent lacks or misses entries it has (same first entry)"
