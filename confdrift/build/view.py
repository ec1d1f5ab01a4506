"""The resolved build the rules read: one side of a comparison, and where its values came from."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from confdrift.datastore.history import HistoryEntry
from confdrift.errors import ParseError
from confdrift.findings import Location, Side
from confdrift.syntax.nodes import ParsedFile

if TYPE_CHECKING:
    from confdrift.build.layers import LayerInfo
    from confdrift.build.relocate import KasMap


class Config(Protocol):
    """The part of a resolved configuration the rules use."""

    def get(self, name: str) -> str | None: ...

    def get_unexpanded(self, name: str) -> str | None: ...

    def names(self) -> list[str]: ...

    def history(self, name: str) -> Sequence[HistoryEntry]: ...


@dataclass(frozen=True)
class ResolvedBuild:
    """One side of the comparison: a resolved build and the user's own files."""

    #: What the user named (a local.conf, a build directory, a kas file).
    label: str
    config: Config
    #: The user's files (local.conf, site.conf, auto.conf…) parsed with recovery.
    files: tuple[ParsedFile, ...] = ()
    #: Syntax errors BitBake would stop on, found in those files.
    errors: tuple[ParseError, ...] = ()
    #: The release (``scarthgap``…), when known.
    release: str | None = None
    #: The file a fix line goes into (the child's local.conf).
    local_conf: str | None = None
    #: Layer descriptions (``confdrift.build.layers.LayerInfo``), when the layers are present.
    layers: tuple[LayerInfo, ...] = ()
    #: The whole chain was loaded from the layers (else: the user's files and a profile).
    full_chain: bool = False
    #: What the release was inferred from, when no one said and no layer.conf told.
    release_hint: str = ""
    #: What the release profile could not stand for (an unmeasured DISTRO or MACHINE).
    profile_gaps: tuple[str, ...] = ()
    #: kas projects: where the generated files' lines are written in the YAML
    #: (``confdrift.build.relocate.KasMap``).
    kas_map: KasMap | None = None

    @functools.cached_property
    def own_files(self) -> frozenset[str]:
        """The names of the user's own files (those in :attr:`files`)."""
        return frozenset(parsed.filename for parsed in self.files)

    def get(self, name: str) -> str | None:
        return self.config.get(name)

    def words(self, name: str) -> list[str]:
        return (self.get(name) or "").split()

    def side(self, name: str) -> Side:
        """The value of ``name`` and where it came from, for a finding."""
        value = self.get(name)
        location = self.location(name)
        source = str(location) if location is not None else self._default_source(name, value)
        evaluated = self.evaluated(name)
        if not evaluated:
            # Never executed: the value shown is the text, and the user must know that.
            source += " (not evaluated: holds inline Python confdrift does not run)"
        return Side(value, source, location, evaluated)

    def evaluated(self, name: str) -> bool:
        """False when the value still holds ``${@...}`` that confdrift did not evaluate."""
        check = getattr(self.config, "is_evaluated", None)
        return True if check is None else bool(check(name))

    def location(self, name: str) -> Location | None:
        """The file and line of the statement that decided ``name``'s value: the user's own
        line when one of theirs shaped it (the line they would edit), else the last one."""
        history = self.config.history(name)
        mine = [h for h in history if not h.flag and h.changed_final
                and h.file in self.own_files and h.line > 0]
        entry = mine[-1] if mine else _deciding_entry(history)
        if entry is None or not entry.file or entry.file.startswith("release default") \
                or entry.line <= 0:
            return None
        return Location(entry.file, entry.line)

    def _default_source(self, name: str, value: str | None) -> str:
        entry = _deciding_entry(self.config.history(name))
        if entry is not None and entry.file:
            return f"{entry.file}:{entry.line}" if entry.line > 0 else entry.file
        return "not set" if value is None else "default"


def _deciding_entry(history: Sequence[HistoryEntry]) -> HistoryEntry | None:
    """The last history step that shaped the final value (ignoring flag operations)."""
    steps = [h for h in history if not h.flag]
    chosen = [h for h in steps if h.changed_final] or steps
    return chosen[-1] if chosen else None
