"""CD2xx: layer drift — a different layer set or revision changes recipe signatures.

Layers are compared by collection name (``BBFILE_COLLECTIONS``), never by path: the same
layer checked out elsewhere is the same layer. Evidence: ``research/sstate-knowledge.md`` §6.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from confdrift.findings import Finding, LayerChange, Location, Severity, Side
from confdrift.rules.registry import Rule, rule

if TYPE_CHECKING:
    from confdrift.build.layers import LayerInfo
    from confdrift.build.view import ResolvedBuild
    from confdrift.rules.base import RuleContext

E, W = Severity.ERROR, Severity.WARNING


def _by_collection(view: ResolvedBuild) -> dict[str, LayerInfo]:
    return {name: layer for layer in view.layers for name in layer.names}


def _side(layer: LayerInfo | None, what: str) -> Side:
    return Side(what, str(layer.path)) if layer is not None else Side(None, "not in BBLAYERS")


def _layer_finding(ctx: RuleContext, entry: Rule, message: str, child: LayerInfo | None,
                   parent: LayerInfo | None, child_text: str | None, parent_text: str | None,
                   fix: LayerChange) -> Finding:
    base = entry.finding(ctx, message, variable="BBLAYERS", fix=fix,
                         scope="recipes of the layer and everything built on them")
    return base._replace(child=_side(child, child_text or ""),
                         parent=_side(parent, parent_text or ""))


@rule("CD201", "layer-set-drift", W,
      "A layer collection is in one build's BBLAYERS but not the other's", needs_parent=True)
def layer_set(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares the layer collections (`BBFILE_COLLECTIONS`) of child and parent, when both
    builds' layers are present.

    ## Why it matters
    A layer the parent lacks can add `.bbappend`s, override recipes or set variables that
    change the signatures of the recipes it touches; a layer the child lacks does the same
    the other way round.

    ## How to fix
    Add the parent's layers to the child's `bblayers.conf` (`bitbake-layers add-layer`), or
    remove the extra ones.
    """
    parent = ctx.parent
    if parent is None or not ctx.child.layers or not parent.layers:
        return
    mine, theirs = _by_collection(ctx.child), _by_collection(parent)
    for name in sorted(set(mine) ^ set(theirs)):
        child_layer, parent_layer = mine.get(name), theirs.get(name)
        if parent_layer is not None:
            message = f"the parent's layer collection {name!r} is missing from the child"
            fix = LayerChange("add", str(parent_layer.path))
        else:
            message = f"the child's layer collection {name!r} is not in the parent's build"
            fix = LayerChange("remove", str(mine[name].path))
        yield _layer_finding(ctx, layer_set, message, child_layer, parent_layer,
                             name if child_layer else None,
                             name if parent_layer else None, fix)


@rule("CD202", "layer-revision-drift", E,
      "A layer both builds use is checked out at different commits", needs_parent=True)
def layer_revision(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    For layers that are git checkouts on both sides, compares the checked-out commits.

    ## Why it matters
    A different revision of a layer is different metadata: every recipe it changed gets
    new task signatures, and for the core layer that can be nearly all of them.

    ## How to fix
    Check out the parent's commit in the child (`git -C LAYER checkout COMMIT`), or pin
    both builds to the same revision (kas lock files, bitbake-setup).
    """
    parent = ctx.parent
    if parent is None:
        return
    theirs = _by_collection(parent)
    for name, layer in sorted(_by_collection(ctx.child).items()):
        other = theirs.get(name)
        mine_rev, their_rev = _commit(layer), _commit(other)
        if mine_rev and their_rev and mine_rev != their_rev:
            yield _layer_finding(
                ctx, layer_revision,
                f"layer {name!r} is at {mine_rev[:12]} in the child and {their_rev[:12]} in "
                "the parent", layer, other, mine_rev, their_rev,
                LayerChange("checkout", str(layer.path), their_rev))


def _commit(layer: LayerInfo | None) -> str | None:
    git = getattr(layer, "git", None)  # tests hand the rules stand-ins without one
    return git.commit if git is not None else None


@rule("CD203", "core-series-drift", E,
      "Child and parent are built from different releases", needs_parent=True)
def core_series(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares the release of the two builds: `LAYERSERIES_CORENAMES` of the core layer when
    the layers are present, else the release confdrift detected or was told.

    ## Why it matters
    Another release is other metadata for nearly every recipe: hardly anything is reusable.

    ## How to fix
    Build the child from the parent's release.
    """
    parent = ctx.parent
    if parent is None or not ctx.child.release or not parent.release:
        return
    if ctx.child.release != parent.release:
        where = Location(ctx.child.local_conf) if ctx.child.local_conf else None
        yield core_series.finding_at(
            where, f"the child is a {ctx.child.release} build, the parent a {parent.release} "
            "build", variable="LAYERSERIES_CORENAMES",
            child=Side(ctx.child.release, "release of the child"),
            parent=Side(parent.release, "release of the parent"), scope="all")
