"""The one finding type that flows from rules to reports."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    """How much a finding matters; ordered ``info < warning < error``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, slots=True)
class Location:
    """Where something is: a file and a 1-based line (0 when the whole file is meant)."""

    file: str
    line: int = 0
    column: int = 0
    end_line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True, slots=True)
class Side:
    """One side (child or parent) of a comparison: the value and where it came from."""

    #: The effective value (``None``: unset).
    value: str | None
    #: Human-readable origin: ``"conf/local.conf:42"`` or
    #: ``"release default, scarthgap, poky.conf:33"``.
    source: str
    location: Location | None = None
    #: False when ``value`` still holds ``${@...}`` text confdrift did not evaluate (never runs).
    evaluated: bool = True


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing confdrift has to say, produced by exactly one rule."""

    #: Stable rule code, ``CD`` + three digits.
    code: str
    #: The rule's kebab-case name.
    rule: str
    severity: Severity
    message: str
    #: Where the child side is (the file a user would edit); ``None`` for build-wide facts.
    location: Location | None = None
    variable: str | None = None
    child: Side | None = None
    parent: Side | None = None
    #: Which task signatures the difference reaches (knowledge-base scope), if known.
    scope: str | None = None
    #: Measured or estimated impact, e.g. ``"94.1% of setscene tasks reusable (measured)"``.
    impact: str | None = None
    #: The exact line to put into the child's local.conf (or the layer change to make).
    fix: str | None = None
