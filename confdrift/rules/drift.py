"""Find and group the differences between a child and a parent build.

The signature rules (CD1xx) read :func:`differences`, computed once per run:

1. every variable either side has, minus what BitBake leaves out of task signatures
   (the ignore lists) and confdrift's own bookkeeping names;
2. plain comparison of expanded values (build-directory and layer paths normalised);
3. a variable whose *unexpanded* text is equal on both sides only differs through a
   variable it references, which is compared on its own;
4. each remaining difference is classified by the knowledge base and described by
   ``confdrift.rules.diff``; variables that a differing variable's configuration file set (the
   machine's tune, the distro's features) are folded into that variable's finding.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from confdrift.findings import Assign, Fix, Location, Remove, Severity, Side
from confdrift.rules import diff

if TYPE_CHECKING:
    from confdrift.build.view import ResolvedBuild
    from confdrift.rules.base import RuleContext
    from confdrift.syntax.nodes import Statement

KNOWN, FEATURES, ORDERED, RECIPE, UNKNOWN = "known", "features", "ordered", "recipe", "unknown"
#: How a release profile labels the values it supplies in a variable's history.
PROFILE = "release default"

SCOPE_TEXT = {
    "all": "nearly every task, native ones included",
    "global": "nearly every task, native ones included",
    "target": "the target and cross tasks of the machine's tune",
    "machine-arch": "the machine-specific recipes (kernel, images, base-files…)",
    "packaging": "the packaging tasks (do_package_write_*, do_rootfs)",
    "image": "the image tasks only",
    "sdk": "the SDK tasks only",
    "recipe": "one recipe and what builds on it",
}
#: Names that describe the build itself, never its output.
_BOOKKEEPING = frozenset({"FILE", "TOPDIR", "BBPATH", "BBLAYERS", "BBFILES", "LAYERDIR",
                          "LAYERDIR_RE", "BB_ORIGENV", "PWD", "HOME", "USER", "LOGNAME", "SHELL",
                          "PATH", "BBSERVER", "_", "BBINCLUDED", "__depends", "__base_depends"})


class Drift(NamedTuple):
    """One difference between child and parent, ready to become a finding."""

    name: str
    kind: str
    severity: Severity
    scope: str | None = None
    impact: str | None = None
    change: diff.Change | None = None
    #: Variables set by the configuration this variable selects, folded into it.
    folded: tuple[str, ...] = ()
    #: Per-item detail for feature sets: (item, side that has it, reach).
    items: tuple[tuple[str, str, str], ...] = ()
    first_child: str | None = None
    first_parent: str | None = None
    #: What aligns the child, when the rule cannot derive it from the parent's value.
    fix: Fix | None = None
    #: (child, parent) values and origins, when they are statements rather than variables.
    sides: tuple[Side, Side] | None = None

    @property
    def scope_text(self) -> str:
        return SCOPE_TEXT.get(self.scope or "", self.scope or "unknown tasks")


def differences(ctx: RuleContext) -> list[Drift]:
    """The differences of this run, computed once and kept in ``ctx.extra``."""
    cached = ctx.extra.get("drift")
    if cached is None:
        cached = _compute(ctx) if ctx.parent is not None else []
        ctx.extra["drift"] = cached
    return list(cached)


def _compute(ctx: RuleContext) -> list[Drift]:
    assert ctx.parent is not None
    child, parent = ctx.child, ctx.parent
    ignored = _ignored(child, parent, ctx.knowledge)
    norm_c, norm_p = _normaliser(child), _normaliser(parent)
    names = sorted(set(child.config.names()) | set(parent.config.names()))
    candidates = [n for n in names if _relevant(n, ignored, ctx.knowledge) and
                  norm_c(child.get(n)) != norm_p(parent.get(n))]
    drifts = [d for d in (_classify(ctx, n) for n in candidates) if d is not None]
    return _fold(ctx, drifts) + _recipe_drifts(ctx)


def _recipe_drifts(ctx: RuleContext) -> list[Drift]:
    """``VAR:pn-foo`` settings (``:append:pn-foo`` included) that differ between the sides.

    A recipe-scoped variant (``PACKAGECONFIG:pn-busybox``) is a variable of its own in
    BitBake's datastore: its effective values are compared, so ``?=`` against ``=`` with the
    same text is no difference. Appends, prepends and removes conditional on a recipe are
    not variables: what each side's files add up to is compared (removes as sets of words).
    """
    from confdrift import knowledge

    assert ctx.parent is not None
    mine, theirs = _pn_statements(ctx.child), _pn_statements(ctx.parent)
    found: list[Drift] = []
    for name in sorted(set(mine) | set(theirs)):
        child = _recipe_value(ctx.child, name, mine.get(name, ()))
        parent = _recipe_value(ctx.parent, name, theirs.get(name, ()))
        if child == parent:
            continue
        entry = ctx.knowledge.entry(name) if ctx.knowledge is not None else None
        severity = knowledge.decide(knowledge.Facts(entry, compare_values=False,
                                                    recipe_scoped=True))
        scope = f"recipe {name.split(':pn-', 1)[1].split(':')[0]}"
        last_parent = theirs[name][-1] if name in theirs else None
        last_child = mine[name][-1] if name in mine else None
        fix = Fix.of(_line(last_parent) if last_parent else Remove(name, _line(last_child)))
        sides = (_statement_side(child, last_child, "not in the child's files"),
                 _statement_side(parent, last_parent, "not in the parent's files"))
        found.append(Drift(name, RECIPE, severity, scope, fix=fix, sides=sides))
    return found


_ADDS = ("append", "prepend", "remove")


def _recipe_value(view: ResolvedBuild, name: str,
                  statements: tuple[tuple[str, Statement], ...]) -> str | None:
    parts = name.split(":")
    adds = [p for p in parts[1:] if p in _ADDS]
    if not adds:
        # A variant's value, with BitBake's own ?=/=/+= semantics and expansion.
        return view.get(name) if statements or _has_variant(view, name) else None
    if not statements:
        return None
    values = [s.value or "" for _, s in statements]
    if adds[0] == "remove":
        return " ".join(sorted({w for v in values for w in v.split()}))
    return "".join(values) if adds[0] == "append" else "".join(reversed(values))


def _has_variant(view: ResolvedBuild, name: str) -> bool:
    return any(h.file for h in view.config.history(name) if not h.flag)


def _pn_statements(view: ResolvedBuild) -> dict[str, tuple[tuple[str, Statement], ...]]:
    """Each ``:pn-`` name in this side's own files, with its statements in order."""
    found: dict[str, list[tuple[str, Statement]]] = {}
    for parsed in view.files:
        for s in parsed.statements:
            if s.name and ":pn-" in s.name and s.op and s.flag is None:
                found.setdefault(s.name, []).append((parsed.filename, s))
    return {name: tuple(steps) for name, steps in found.items()}


def _line(found: tuple[str, Statement] | None) -> Assign:
    assert found is not None
    s = found[1]
    return Assign(s.name or "", s.value or "", s.op or "=", quote='"')


def _statement_side(value: str | None, found: tuple[str, Statement] | None,
                    absent: str) -> Side:
    if found is None:
        return Side(value, absent)
    where = Location(found[0], found[1].span.line)
    return Side(value, str(where), where)


def _relevant(name: str, ignored: set[str], kb: Any) -> bool:
    """Worth comparing: not bookkeeping, and not ignored by BitBake — unless the knowledge
    base knows better (a variable ignored by name that a class hashes through another)."""
    if name in _BOOKKEEPING or name.startswith("_") or "${" in name:
        return False
    if ":" in name:
        # An override variant counts through the variable it overrides, where it is active;
        # recipe-scoped ones (``:pn-foo``) are compared as statements (_recipe_drifts).
        return False
    return name.split(":")[0] not in ignored or (kb is not None and kb.entry(name) is not None)


def _ignored(child: ResolvedBuild, parent: ResolvedBuild, kb: Any) -> set[str]:
    """What BitBake leaves out of task signatures, by both sides' own lists and the release's."""
    words: set[str] = set()
    for view in (child, parent):
        for name in ("BB_BASEHASH_IGNORE_VARS", "BB_HASHCONFIG_IGNORE_VARS"):
            words.update(view.words(name))
    release = child.release or parent.release
    if kb is not None:
        words.update(kb.ignore_list(release if release in kb.releases else None))
    return words


def _normaliser(view: ResolvedBuild) -> Callable[[str | None], str | None]:
    """Replace the build's own paths (TOPDIR, layer directories) by stable placeholders."""
    swaps = [(layer.rstrip("/"), "<layer:" + layer.rstrip("/").rsplit("/", 1)[-1] + ">")
             for layer in view.words("BBLAYERS")]
    topdir = view.get("TOPDIR")
    if topdir:
        swaps.append((topdir.rstrip("/"), "${TOPDIR}"))
    swaps.sort(key=lambda pair: -len(pair[0]))

    def normalise(value: str | None) -> str | None:
        if value is None:
            return None
        for old, new in swaps:
            if old:
                value = value.replace(old, new)
        return value

    return normalise


def _classify(ctx: RuleContext, name: str) -> Drift | None:
    from confdrift import knowledge  # on first comparison: `confdrift rules` never loads it

    assert ctx.parent is not None
    child, parent = ctx.child, ctx.parent
    entry = ctx.knowledge.entry(name) if ctx.knowledge is not None else None
    if entry is None:
        if _derived(child, parent, name):
            return None
        kind = RECIPE if ":pn-" in name else UNKNOWN
        severity = knowledge.decide(knowledge.Facts(
            None, recipe_scoped=kind == RECIPE, user_set=kind == RECIPE or _user_set(ctx, name)))
        return Drift(name, kind, severity, scope="recipe" if kind == RECIPE else None)
    if str(entry.scope) in ("none", "wiring"):
        return None
    c, p = child.get(name), parent.get(name)
    if knowledge.same(entry, c, p):
        return None
    if str(entry.compare) == diff.WORDS:
        if _through_reported(ctx, name):
            return None
    elif _derived(child, parent, name):
        return None
    return _known(ctx, name, entry, diff.describe(str(entry.compare), c, p))


def _known(ctx: RuleContext, name: str, entry: Any, change: diff.Change) -> Drift:
    from confdrift import knowledge

    assert ctx.parent is not None
    c, p = ctx.child.get(name), ctx.parent.get(name)
    scope, impact = str(entry.scope), _impact(entry, (*change.added, *change.removed))
    narrowed = entry.narrowed
    # MACHINE with the same TUNE_PKGARCH: only the machine-specific recipes differ, and
    # the measurements (of machines with another tune) do not describe this case.
    equal = narrowed is not None and _equal_and_known(ctx, narrowed.variable)
    severity = knowledge.decide(knowledge.Facts(entry, c, p, narrowed=equal))
    if narrowed is not None and equal:
        scope, impact = str(narrowed.scope), None
    if change.kind == diff.WORDS:
        items = tuple(_item_reach(entry, c, p))
        return Drift(name, FEATURES, severity, scope, impact, _worth_fixing(entry, change),
                     items=items)
    if change.kind == diff.LIST:
        return Drift(name, ORDERED, severity, scope, impact, change,
                     first_child=_first(ctx.child.words(name)),
                     first_parent=_first(ctx.parent.words(name)))
    return Drift(name, KNOWN, severity, scope, impact, change)


def _equal_and_known(ctx: RuleContext, name: str) -> bool:
    assert ctx.parent is not None
    views = (ctx.child, ctx.parent)
    values = {view.get(name) for view in views}
    return len(values) == 1 and None not in values and all(v.evaluated(name) for v in views)


def _worth_fixing(entry: Any, change: diff.Change) -> diff.Change:
    """The change without items no signature depends on: a fix leaves those alone (an
    ``own-mirrors`` the child inherits for its wiring is not drift to undo)."""
    def keep(items: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(i for i in items if entry.item(i).severity is not Severity.INFO)

    return change._replace(added=keep(change.added), removed=keep(change.removed))


def _first(words: list[str]) -> str | None:
    return words[0] if words else None


def _impact(entry: Any, items: tuple[str, ...]) -> str | None:
    """The measurement of this very change, where one exists (for sets: of a differing item)."""
    shares = [m for m in entry.measured if m.setscene_reusable is not None
              and (m.item is None or m.item in items)]
    if not shares:
        return None
    m = shares[0]
    return (f"{m.setscene_reusable:g}% of core-image-minimal's setscene tasks reusable "
            f"(measured, scarthgap: {m.change})")


def _item_reach(entry: Any, child: str | None, parent: str | None
                ) -> Iterable[tuple[str, str, str]]:
    from confdrift import knowledge

    have = set((child or "").split())
    for reach in knowledge.differing_items(entry, child, parent):
        side = "child" if reach.name in have else "parent"
        text = (f"tested by {reach.tasks} tasks of core-image-minimal" if reach.tasks
                else reach.note or f"{reach.severity.value}")
        yield reach.name, side, text


_REFERENCE = re.compile(r"\$\{([A-Za-z0-9_\-+./~:]+)\}")


def _through_reported(ctx: RuleContext, name: str) -> bool:
    """Equal text on both sides: the difference comes through a variable reported itself."""
    assert ctx.parent is not None
    raw = ctx.child.config.get_unexpanded(name)
    if raw is None or raw != ctx.parent.config.get_unexpanded(name):
        return False
    kb = ctx.knowledge
    if kb is None:
        return False
    for ref in _REFERENCE.findall(raw):
        entry = kb.entry(ref)
        if entry is not None and str(entry.scope) not in ("none", "wiring") and \
                ctx.child.get(ref) != ctx.parent.get(ref):
            return True
    return False


def _derived(child: ResolvedBuild, parent: ResolvedBuild, name: str) -> bool:
    raw_c, raw_p = child.config.get_unexpanded(name), parent.config.get_unexpanded(name)
    return raw_c is not None and raw_c == raw_p and "${" in raw_c


def _user_set(ctx: RuleContext, name: str) -> bool:
    return any(_sets(view, name) for view in (ctx.child, ctx.parent) if view is not None)


def _sets(view: ResolvedBuild, name: str) -> bool:
    return any(s.name is not None and s.name.split(":")[0] == name.split(":")[0]
               for parsed in view.files for s in parsed.statements)


def _fold(ctx: RuleContext, drifts: list[Drift]) -> list[Drift]:
    """Fold differences that a selected configuration file sets into the selecting variable.

    A root is a difference the users' own files make. Another difference belongs to a root
    when the file that decided it is named by the root's value (``conf/machine/qemuarm64.conf``
    for MACHINE) or, failing that, is read by one side only (the machine's tune files): it
    then goes to the most severe root.
    """
    assert ctx.parent is not None
    roots = sorted((d for d in drifts if _user_set(ctx, d.name) and d.kind != UNKNOWN),
                   key=lambda d: (-d.severity.rank, d.name))
    if not roots:
        return drifts
    exclusive = set(_files(ctx.child)) ^ set(_files(ctx.parent))
    folded: dict[str, list[str]] = {d.name: [] for d in roots}
    keep: list[Drift] = []
    for d in drifts:
        # What a user's own file sets is the user's to see, known variable or not.
        owner = None if d in roots or _user_set(ctx, d.name) else \
            _owner(ctx, d.name, roots, exclusive)
        if owner is None:
            keep.append(d)
        else:
            folded[owner].append(d.name)
    return [_with_folded(d, folded.get(d.name, ())) for d in keep]


def _files(view: ResolvedBuild) -> tuple[str, ...]:
    return tuple(getattr(view.config, "files", ()))


def _with_folded(d: Drift, names: Iterable[str]) -> Drift:
    names = tuple(names)
    if not names:
        return d
    return Drift(d.name, d.kind, d.severity, d.scope, d.impact, d.change, names, d.items,
                 d.first_child, d.first_parent)


def _owner(ctx: RuleContext, name: str, roots: list[Drift], exclusive: set[str]) -> str | None:
    assert ctx.parent is not None
    views = (ctx.child, ctx.parent)
    deciding = [_deciding_file(view, name) for view in views]
    for root in roots:
        values = {v for view in views for v in view.words(root.name)}
        if any(f and _names_file(v, f) for v in values for f in deciding) or \
                _substitutes(ctx, root.name, name):
            return root.name
    touched = {h.file for view in views for h in view.config.history(name) if not h.flag}
    # Without layers both values are release defaults, picked by the roots (MACHINE, DISTRO);
    # or one is, and the other side's profile left it unknown (a machine it has not measured).
    from_profile = (any(f and f.startswith(PROFILE) for f in deciding)
                    and all(f is None or f.startswith(PROFILE) for f in deciding))
    return roots[0].name if touched & exclusive or from_profile else None


def _substitutes(ctx: RuleContext, root: str, name: str) -> bool:
    """The parent's value with the root's value swapped for the child's is the child's value
    (``OVERRIDES`` naming the distro): the difference is the root's, carried along."""
    assert ctx.parent is not None
    mine, theirs = ctx.child.get(root), ctx.parent.get(root)
    child, parent = ctx.child.get(name), ctx.parent.get(name)
    if not (mine and theirs and child and parent) or theirs not in parent:
        return False
    return parent.replace(theirs, mine) == child


def _names_file(value: str, path: str) -> bool:
    # ``path`` is a file, or a release-profile label "release default, scarthgap, poky.conf".
    stem = path.rsplit(", ", 1)[-1].rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return value == stem or stem.endswith("-" + value) or f"/{value}/" in path


def _deciding_file(view: ResolvedBuild, name: str) -> str | None:
    history = [h for h in view.config.history(name) if not h.flag]
    chosen = [h for h in history if h.changed_final] or history
    return chosen[-1].file if chosen else None
