"""Typed, immutable shapes of the knowledge base (variables.toml, ignore_vars.toml)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType
from typing import NamedTuple

from confdrift.findings import Severity


class Scope(str, Enum):
    """Which task signatures a variable reaches."""

    ALL = "all"
    TARGET = "target"
    #: The machine-specific recipes only (kernel, base-files, images, machine packagegroups).
    MACHINE_ARCH = "machine-arch"
    PACKAGING = "packaging"
    IMAGE = "image"
    SDK = "sdk"
    RECIPE = "recipe"
    NONE = "none"
    WIRING = "wiring"

    def __str__(self) -> str:
        return self.value


class Compare(str, Enum):
    """How two values of a variable are compared before deciding they differ."""

    STRING = "string"
    WORDS = "words"
    LIST = "list"
    ORDERED_COLON = "ordered-colon"
    PATH = "path"
    URL_PAIRS = "url-pairs"
    PRESENCE = "presence"

    def __str__(self) -> str:
        return self.value


class Rename(NamedTuple):
    """An old name BitBake refuses from ``release`` on."""

    name: str
    release: str


class ItemReach(NamedTuple):
    """One word of a words-compared variable and how far a difference in it reaches."""

    name: str
    severity: Severity
    #: Task signatures testing the word in the measured graph, when counted.
    tasks: int | None = None
    note: str = ""


class Narrowing(NamedTuple):
    """When ``variable`` resolves equal on both sides, a difference reaches only ``scope``
    (MACHINE with the same TUNE_PKGARCH: only the machine-specific recipes)."""

    variable: str
    scope: Scope
    severity: Severity


class Measurement(NamedTuple):
    """One signature-impact variation touching this variable (scarthgap poky)."""

    variation: str
    change: str
    #: The values the variation compared (for word lists: the words that differed).
    parent: str
    child: str
    #: % of the child's setscene tasks whose hash the parent has; None when the run failed.
    setscene_reusable: float | None = None
    #: % of the child's tasks whose signature differs from the parent's.
    tasks_changed: float | None = None
    item: str | None = None
    outcome: str = ""


class VariableEntry(NamedTuple):
    """What the knowledge base knows about one variable (or a glob of variables)."""

    name: str
    scope: Scope
    #: Default severity of a child/parent difference.
    severity: Severity
    compare: Compare
    why: str
    evidence: tuple[str, ...]
    #: Why ``severity`` departs from the scope's default ('' when it does not).
    severity_reason: str = ""
    renamed_from: tuple[Rename, ...] = ()
    since: str | None = None
    #: Variables a class derives from this one and hashes although this one is ignored.
    hashed_via: tuple[str, ...] = ()
    #: Word -> reach (a plain mapping; entries hash by name, not by content).
    items: Mapping[str, ItemReach] = MappingProxyType({})
    #: Severity of a differing word ``items`` does not list (words-compared only).
    item_default: Severity | None = None
    #: For ``list`` comparison: severity when the first word is equal and later ones differ.
    tail_severity: Severity | None = None
    measured: tuple[Measurement, ...] = ()
    note: str = ""
    narrowed: Narrowing | None = None
    #: Set when the entry was reached through ``VAR:pn-<recipe>``.
    recipe: str | None = None

    @property
    def is_glob(self) -> bool:
        return "*" in self.name

    def __hash__(self) -> int:
        return hash((self.name, self.recipe))

    def item(self, word: str) -> ItemReach:
        """The reach of one word; unlisted words get ``item_default`` (else ``severity``)."""
        return self.items.get(word) or ItemReach(word, self.item_default or self.severity)


class ReleaseLists(NamedTuple):
    """BitBake's signature-related lists for one release, as bitbake.conf sets them."""

    release: str
    basehash_ignore_vars: frozenset[str]
    hashconfig_ignore_vars: frozenset[str]
    signature_exclude_flags: frozenset[str]
    #: Old name -> new name, or BitBake's message for a removed variable.
    renamed: Mapping[str, str]
