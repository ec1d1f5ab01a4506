"""The one finding type that flows from rules to reports."""

from __future__ import annotations

from enum import Enum
from typing import Literal, NamedTuple


class Severity(str, Enum):
    """How much a finding matters; ordered ``info < warning < error``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Location(NamedTuple):
    """Where something is: a file and a 1-based line (0 when the whole file is meant)."""

    file: str
    line: int = 0
    column: int = 0
    end_line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


class Side(NamedTuple):
    """One side (child or parent) of a comparison: the value and where it came from."""

    #: The effective value (``None``: unset).
    value: str | None
    #: Human-readable origin: ``"conf/local.conf:42"`` or
    #: ``"release default, scarthgap, poky.conf:33"``.
    source: str
    location: Location | None = None
    #: False when ``value`` still holds ``${@...}`` text confdrift did not evaluate (never runs).
    evaluated: bool = True


class Assign(NamedTuple):
    """A fix step: set VARIABLE with OPERATOR to VALUE, one line of the child's configuration."""

    variable: str
    value: str
    op: str = "="
    #: The varflag it sets (``SRC_URI[sha256sum]``), if any.
    flag: str | None = None
    exported: bool = False
    #: The quote written around the value; ``None``: double quotes, single quotes around a
    #: value that holds a double quote (and no single one).
    quote: str | None = None

    @property
    def target(self) -> str:
        """What the line assigns: the variable, or ``VAR[flag]``."""
        return f"{self.variable}[{self.flag}]" if self.flag else self.variable

    def __str__(self) -> str:
        quote = self.quote or ("'" if '"' in self.value and "'" not in self.value else '"')
        export = "export " if self.exported else ""
        return f"{export}{self.target} {self.op} {quote}{self.value}{quote}"


class Remove(NamedTuple):
    """A fix step: remove from the child a statement, or a variable the parent leaves unset."""

    variable: str
    #: The statement to remove; ``None``: the variable's every setting.
    statement: Assign | None = None

    def __str__(self) -> str:
        if self.statement is not None:
            return f"# remove from the child: {self.statement}"
        return (f"# remove {self.variable} from the child's configuration (the parent "
                "leaves it unset)")


class LayerChange(NamedTuple):
    """A fix step on the child's layers: add or remove a layer, or check one out at a commit."""

    action: Literal["add", "remove", "checkout"]
    path: str
    commit: str = ""

    def __str__(self) -> str:
        if self.action == "checkout":
            return f"git -C {self.path} checkout {self.commit}"
        return f"bitbake-layers {self.action}-layer {self.path}"


#: One step of a fix.
FixStep = Assign | Remove | LayerChange


class Fix(NamedTuple):
    """What to change so that a finding goes away: one or more steps, in order."""

    steps: tuple[FixStep, ...]

    @classmethod
    def of(cls, *steps: FixStep) -> Fix:
        return cls(steps)

    @property
    def assignments(self) -> tuple[Assign, ...] | None:
        """The lines ``--fix`` writes, when every step is one; else ``None``."""
        if not self.steps or not all(isinstance(s, Assign) for s in self.steps):
            return None
        return tuple(s for s in self.steps if isinstance(s, Assign))

    def __str__(self) -> str:
        """The fix as reports print it: one line per step."""
        return "\n".join(str(step) for step in self.steps)


class Finding(NamedTuple):
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
    #: What to change: the line(s) to put into the child's local.conf, or the layer change.
    remedy: Fix | None = None

    @property
    def fix(self) -> str | None:
        """The remedy as printed (the JSON report's ``fix``); ``None`` without one."""
        return str(self.remedy) if self.remedy is not None else None
