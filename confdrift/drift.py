"""Find and group the differences between a child and a parent build.

The signature rules (CD1xx) read :func:`differences`, computed once per run:

1. every variable either side has, minus what BitBake leaves out of task signatures
   (the ignore lists) and confdrift's own bookkeeping names;
2. plain comparison of expanded values (build-directory and layer paths normalised);
3. a variable whose *unexpanded* text is equal on both sides only differs through a
   variable it references, which is compared on its own;
4. each remaining difference is classified by the knowledge base and described by
   ``confdrift.diff``; variables that a differing variable's configuration file set (the
   machine's tune, the distro's features) are folded into that variable's finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from confdrift import diff
from confdrift.findings import Severity
from confdrift.rules.base import BuildView, Context

KNOWN, FEATURES, ORDERED, RECIPE, UNKNOWN = "known", "features", "ordered", "recipe", "unknown"

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


@dataclass(frozen=True)
class Drift:
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

    @property
    def scope_text(self) -> str:
        return SCOPE_TEXT.get(self.scope or "", self.scope or "unknown tasks")


def differences(ctx: Context) -> list[Drift]:
    """The differences of this run, computed once and kept in ``ctx.extra``."""
    cached = ctx.extra.get("drift")
    if cached is None:
        cached = _compute(ctx) if ctx.parent is not None else []
        ctx.extra["drift"] = cached
    return list(cached)


def _compute(ctx: Context) -> list[Drift]:
    assert ctx.parent is not None
    child, parent = ctx.child, ctx.parent
    kb = ctx.knowledge
    ignored = _ignored(child, parent, kb)
    norm_c, norm_p = _normaliser(child), _normaliser(parent)
    names = sorted((set(child.config.names()) | set(parent.config.names())) - ignored)
    candidates = [n for n in names if _relevant(n) and
                  norm_c(child.get(n)) != norm_p(parent.get(n))]
    drifts = [d for d in (_classify(ctx, n) for n in candidates) if d is not None]
    return _fold(ctx, drifts)


def _relevant(name: str) -> bool:
    return not (name in _BOOKKEEPING or name.startswith("_") or "${" in name)


def _ignored(child: BuildView, parent: BuildView, kb: Any) -> set[str]:
    """What BitBake leaves out of task signatures, by both sides' own lists and the release's."""
    words: set[str] = set()
    for view in (child, parent):
        for name in ("BB_BASEHASH_IGNORE_VARS", "BB_HASHCONFIG_IGNORE_VARS"):
            words.update(view.words(name))
    release = child.release or parent.release
    if kb is not None and hasattr(kb, "ignore_list"):
        words.update(kb.ignore_list(release))
    return words


def _normaliser(view: BuildView) -> Callable[[str | None], str | None]:
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


def _classify(ctx: Context, name: str) -> Drift | None:
    assert ctx.parent is not None
    child, parent = ctx.child, ctx.parent
    entry = _entry(ctx.knowledge, name)
    if entry is None:
        if _derived(child, parent, name):
            return None
        kind = RECIPE if ":pn-" in name else UNKNOWN
        severity = Severity.WARNING if kind == RECIPE or _user_set(ctx, name) else Severity.INFO
        return Drift(name, kind, severity, scope="recipe" if kind == RECIPE else None)
    scope = str(getattr(entry, "scope", "") or "")
    if scope in ("none", "wiring"):
        return None
    compare = str(getattr(entry, "compare", diff.STRING) or diff.STRING)
    change = diff.describe(compare, child.get(name), parent.get(name))
    if not change.differs:
        return None
    return _known(ctx, name, entry, scope, change)


def _known(ctx: Context, name: str, entry: Any, scope: str, change: diff.Change) -> Drift:
    assert ctx.parent is not None
    severity = _verdict(ctx, entry, name)
    impact = _impact(entry)
    if change.kind == diff.WORDS:
        items = tuple(_item_reach(entry, change))
        return Drift(name, FEATURES, _feature_severity(entry, change, severity), scope, impact,
                     change, items=items)
    if change.kind == diff.LIST:
        first_c = (ctx.child.words(name) or [None])[0]
        first_p = (ctx.parent.words(name) or [None])[0]
        sev = severity if change.first_changed else Severity.INFO
        return Drift(name, ORDERED, sev, scope, impact, change, first_child=first_c,
                     first_parent=first_p)
    return Drift(name, KNOWN, severity, scope, impact, change)


def _entry(kb: Any, name: str) -> Any:
    if kb is None:
        return None
    try:
        return kb.entry(name)
    except (KeyError, LookupError):
        return None


def _verdict(ctx: Context, entry: Any, name: str) -> Severity:
    assert ctx.parent is not None
    kb = ctx.knowledge
    if kb is not None and hasattr(kb, "verdict"):
        return Severity(kb.verdict(entry, ctx.child.get(name), ctx.parent.get(name)))
    return Severity(getattr(entry, "severity", "warning"))


def _impact(entry: Any) -> str | None:
    measured = getattr(entry, "measured", None)
    if not measured:
        return None
    first = measured[0] if isinstance(measured, (list, tuple)) else measured
    share = getattr(first, "setscene_reusable", None)
    if share is None and isinstance(first, dict):
        share = first.get("setscene_reusable")
    label = getattr(first, "variation", None) or (first.get("variation")
                                                   if isinstance(first, dict) else None)
    if share is None:
        return None
    return f"{share}% of core-image-minimal's setscene tasks reusable (measured: {label})"


def _item_reach(entry: Any, change: diff.Change) -> Iterable[tuple[str, str, str]]:
    reach = getattr(entry, "items", None) or {}
    for side, items in (("child", change.added), ("parent", change.removed)):
        for item in items:
            tasks = _tasks_for(reach, item)
            text = f"tested by {tasks} tasks of core-image-minimal" if tasks is not None \
                else "reach not measured"
            yield item, side, text


def _tasks_for(reach: Any, item: str) -> int | None:
    value = reach.get(item) if isinstance(reach, dict) else None
    if isinstance(value, int):
        return value
    tasks = getattr(value, "tasks", None) if value is not None else None
    if tasks is None and isinstance(value, dict):
        tasks = value.get("tasks")
    return int(tasks) if tasks is not None else None


def _feature_severity(entry: Any, change: diff.Change, default: Severity) -> Severity:
    """Error when a differing item is tested widely, warning otherwise."""
    reach = getattr(entry, "items", None) or {}
    counts = [_tasks_for(reach, item) for item in (*change.added, *change.removed)]
    if any(c is not None and c >= _WIDE_ITEM for c in counts):
        return Severity.ERROR
    return Severity.WARNING if default is not Severity.INFO else default


#: An item tested by this many of core-image-minimal's ~4,000 tasks costs well over 1% reuse.
_WIDE_ITEM = 20


def _derived(child: BuildView, parent: BuildView, name: str) -> bool:
    raw_c, raw_p = child.config.get_unexpanded(name), parent.config.get_unexpanded(name)
    return raw_c is not None and raw_c == raw_p and "${" in raw_c


def _user_set(ctx: Context, name: str) -> bool:
    return any(_sets(view, name) for view in (ctx.child, ctx.parent) if view is not None)


def _sets(view: BuildView, name: str) -> bool:
    return any(s.name is not None and s.name.split(":")[0] == name.split(":")[0]
               for parsed in view.files for s in parsed.statements)


def _fold(ctx: Context, drifts: list[Drift]) -> list[Drift]:
    """Fold differences set by a selected configuration file into the selecting variable."""
    roots = [d for d in drifts if _user_set(ctx, d.name) and d.kind != UNKNOWN]
    if not roots:
        return drifts
    keep: list[Drift] = []
    folded: dict[str, list[str]] = {d.name: [] for d in roots}
    for d in drifts:
        owner = None if d in roots else _owner(ctx, d.name, roots)
        if owner is None:
            keep.append(d)
        else:
            folded[owner].append(d.name)
    return [_with_folded(d, folded.get(d.name, ())) for d in keep]


def _with_folded(d: Drift, names: Iterable[str]) -> Drift:
    names = tuple(names)
    if not names:
        return d
    return Drift(d.name, d.kind, d.severity, d.scope, d.impact, d.change, names, d.items,
                 d.first_child, d.first_parent)


def _owner(ctx: Context, name: str, roots: list[Drift]) -> str | None:
    """The root whose value names the file that decided ``name`` on either side."""
    assert ctx.parent is not None
    files = [_deciding_file(view, name) for view in (ctx.child, ctx.parent)]
    for root in roots:
        values = {v for view in (ctx.child, ctx.parent) for v in view.words(root.name)}
        if any(f and _names_file(v, f) for v in values for f in files):
            return root.name
    return None


def _names_file(value: str, path: str) -> bool:
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return value == stem or stem.endswith("-" + value) or f"/{value}/" in path


def _deciding_file(view: BuildView, name: str) -> str | None:
    location = view.location(name)
    if location is not None:
        return location.file
    source = view.side(name).source
    return source.split(",")[-1].strip().split(":")[0] if source else None



