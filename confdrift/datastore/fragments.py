"""``addfragments``: configuration fragments enabled by a variable (§3.6).

Built-in fragments (``machine/qemux86-64``) set a variable; layer fragments
(``core/yocto/sstate-mirror-cdn``) include ``<layer>/<prefix>/<name>.conf`` from the layer
whose collection name matches, then move the fragment's metadata variables into flags.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from confdrift.datastore.history import Step
from confdrift.errors import ParseError
from confdrift.syntax.nodes import Statement

if TYPE_CHECKING:
    from confdrift.datastore.evaluate import Evaluator


def add_fragments(ev: Evaluator, st: Statement, filename: str) -> None:
    """Evaluate one ``addfragments PREFIX FRAGMENTS META BUILTIN`` line."""
    store = ev.store
    if store.get("_BB_SKIP_FRAGMENTS") == "1":
        return
    prefix, frag_var, meta_var = st.args[0], st.args[1], st.args[2]
    builtin_var = st.args[3] if len(st.args) > 3 else None
    fragments = store.get(frag_var)
    meta_vars = _required(store.get(meta_var), meta_var).split()
    builtins = _builtins(store.get(builtin_var) if builtin_var else "", builtin_var)
    if not fragments:
        return
    _warn_multiple(ev, fragments.split(), builtins, frag_var)
    for fragment in fragments.split():
        if "/" not in fragment:
            raise ParseError(f"fragment {fragment!r} has no '/'", filename, st.span.end_line)
        if not _set_builtin(ev, fragment, builtins, filename, st.span.end_line):
            _include_fragment(ev, prefix, fragment, meta_vars)


def _required(value: str | None, name: str) -> str:
    if value is None:
        raise ParseError(f"addfragments: {name} is not set")
    return value


def _builtins(value: str | None, name: str | None) -> dict[str, str]:
    pairs = [item.split(":") for item in _required(value, name or "").split()]
    return {pair[0]: pair[1] for pair in pairs if len(pair) > 1}


def _warn_multiple(ev: Evaluator, fragments: list[str], builtins: dict[str, str], var: str) -> None:
    for prefix in builtins:
        same = [f for f in fragments if f.startswith(prefix + "/")]
        if len(same) > 1:
            ev.warnings.append(
                f"Multiple builtin fragments are enabled for {prefix} via variable {var}: "
                + " ".join(same)
            )


def _set_builtin(
    ev: Evaluator, fragment: str, builtins: dict[str, str], file: str, line: int
) -> bool:
    prefix, value = fragment.split("/", 1)
    variable = builtins.get(prefix)
    if variable is None:
        return False
    if ev.store.get(variable, weak=False) is not None:
        raise ParseError(
            f"A builtin fragment '{fragment}' is used while {variable} has already got an"
            " assignment.",
            file,
            line,
        )
    ev.set_var(variable, value, Step(variable, variable, file, line, "fragment", value, "content"))
    return True


def _include_fragment(ev: Evaluator, prefix: str, fragment: str, meta_vars: list[str]) -> None:
    layer_id, name = fragment.split("/", 1)
    relative = ev.store.expand(f"{prefix}/{name}.conf")
    layers = (ev.store.get("BBLAYERS") or "").split()
    path = next((p for p in _candidates(layers, relative) if _layer_of(ev, p) == layer_id), None)
    if path is None:
        raise ParseError(
            f"Could not find fragment {fragment} in enabled layers:\n\t" + "\n\t".join(layers)
        )
    ev.load_file(path)
    for var in meta_vars:
        value = ev.store.get(var)
        if value is not None:
            ev.store.set_flag(var, fragment, value)
        ev.store.clear_content(var)


def _candidates(layers: list[str], relative: str) -> list[str]:
    return [c for c in (os.path.join(layer, relative) for layer in layers) if os.path.exists(c)]


def _layer_of(ev: Evaluator, path: str) -> str | None:
    """The collection whose BBFILE_PATTERN matches ``path``; the longest pattern wins."""
    best: tuple[int, str | None] = (0, None)
    for collection in (ev.store.get("BBFILE_COLLECTIONS") or "").split():
        pattern = ev.store.get(f"BBFILE_PATTERN_{collection}") or ""
        if len(pattern) > best[0] and _matches(pattern, path):
            best = (len(pattern), collection)
    return best[1]


def _matches(pattern: str, path: str) -> bool:
    try:
        return re.match(pattern, path) is not None
    except re.error:
        return False
