"""Key expansion: what ``bitbake -e`` and every recipe parse do to names holding ``${...}``.

The configuration datastore keeps ``PREFERRED_VERSION_${X}`` as a literal name (§5.9).
BitBake later renames each such key to its expanded form, in sorted order; when the
expanded name already has a value, the ``${}`` key replaces it and BitBake warns.
"""

from __future__ import annotations

from confdrift.datastore.overrides import is_active
from confdrift.datastore.records import CONTENT, DEFAULT
from confdrift.datastore.varstore import VarStore

_MOVED = (":append", ":prepend", ":remove")


def expand_keys(store: VarStore) -> list[str]:
    """Rename every ``${}`` key to its expansion, as ``bb.data.expandKeys``; the warnings."""
    todo = {}
    for key in _keys(store):
        if "${" in key:
            expanded = store.expand(key)
            if expanded != key:
                todo[key] = expanded
    warnings = []
    for key in sorted(todo):
        new = todo[key]
        old_value, value = store.get(new, expand=False), store.get(key, expand=False)
        if old_value is not None and value is not None:
            warnings.append(
                f"Variable key {key} ({value}) replaces original key {new} ({old_value})."
            )
        rename(store, key, new)
    return warnings


def _keys(store: VarStore) -> set[str]:
    """BitBake's ``d.keys()``: non-empty records, and names with an active variant."""
    active = set(store.overrides())
    with_variant = {
        base
        for base, entries in store.variants.items()
        if any(is_active(override, active) for _, override in entries)
    }
    return {name for name, rec in store.records.items() if not rec.empty()} | with_variant


def rename(store: VarStore, key: str, new: str) -> None:
    """``d.renameVar``: the value (a weak default becomes strong), pending operations and
    override variants move; other flags stay behind and the old name is deleted."""
    rec = store.records.get(key)
    value = None if rec is None else rec.flags.get(CONTENT, rec.flags.get(DEFAULT))
    if value is not None:
        store.set_content(new, value)
    if rec is not None:
        for keyword in _MOVED:
            if rec.pending.get(keyword):
                store.record(new).pending.setdefault(keyword, []).extend(rec.pending[keyword])
    if key in store.variants:
        moved = list(store.variants[key])
        store.variants[new] = {}  # BitBake replaces the index entry of the new name
        for variant, override in moved:
            store.variants[new][(variant.replace(key, new), override)] = None
            rename(store, variant, variant.replace(key, new))
    if ":" in new and value is None:
        store.register_variant(new)
    store.delete(key)
