"""Test oracle for the resolver: BitBake's own datastore loading the same files.

``bb_load`` runs ``bb.parse.handle`` over the files into a fresh ``bb.data`` store with
``BBPATH`` set, the way :func:`confdrift.datastore.resolved.load_files` is documented to behave, and
returns
every variable's expanded value (or the failure). Test-time only: confdrift never imports bb.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .oracle import captured_bitbake_log
from .oracle_baseconfig import _oe_stubbed, import_bb

#: BitBake-internal names that are not configuration variables.
_INTERNAL = ("__", "_FAILPARSINGERRORHANDLED")


@dataclass(frozen=True)
class Failed:
    """Reading the variable failed in BitBake; ``oe`` when it needed oe-core's library."""

    message: str
    needs_oe: bool = False


@dataclass
class BBResult:
    """What BitBake made of a load: values per variable, or the error that stopped it."""

    values: dict[str, str | Failed] = field(default_factory=dict)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    #: Names BitBake stores as functions (``.inc`` shell/python functions): not compared.
    functions: set[str] = field(default_factory=set)
    #: With ``tracking``: the files each variable's history mentions.
    files_of: dict[str, set[str]] = field(default_factory=dict)


def bb_load(
    paths: Sequence[str],
    bbpath: Sequence[str],
    preset: Mapping[str, str] | None = None,
    tracking: bool = False,
    expand_keys: bool = False,
) -> BBResult:
    """Load ``paths`` in order with BitBake and read back every variable."""
    bb = import_bb()
    result = BBResult()
    with captured_bitbake_log() as log, _oe_stubbed(bb):
        bb.parse.clear_cache()
        data = bb.data.init()
        if tracking:
            data.enableTracking()
        data.setVar("BBPATH", ":".join(bbpath))
        for name, value in (preset or {}).items():
            data.setVar(name, value)
        try:
            for path in paths:
                include = 1 if not path.endswith(".conf") else 0
                # The cooker reads these directly, which makes addpylib legal in them.
                base = path.endswith(("/bblayers.conf", "/layer.conf"))
                bb.parse.handle(path, data, include, baseconfig=base)
        except Exception as exc:  # every BitBake failure is data for the comparison
            result.error = _message(exc, log.messages)
        else:
            if expand_keys:
                bb.data.expandKeys(data)
            _read_all(data, result)
            if tracking:
                result.files_of = {
                    name: {str(step.get("file")) for step in data.varhistory.variable(name)}
                    for name in result.values
                }
        result.warnings = list(log.messages)
    return result


def _message(exc: BaseException, logged: list[str]) -> str:
    text = str(exc)
    if type(exc).__name__ == "BBHandledException" and logged:
        text = logged[-1]
    return f"{type(exc).__name__}: {text}"


def _read_all(data: Any, result: BBResult) -> None:
    # Not data.keys(): it computes OVERRIDES first, so one failing variable would hide all.
    names = (set(data.dict) - {"_data"}) | set(data.overridedata)
    for name in sorted(names):
        if name.startswith(_INTERNAL):
            continue
        if data.getVarFlag(name, "func", False):
            result.functions.add(name)
            continue
        try:
            value = data.getVar(name)
        except Exception as exc:  # a read failure is reported per variable, like BitBake
            result.values[name] = Failed(str(exc), "oe-core's Python library" in str(exc))
            # A failure inside OVERRIDES leaves BitBake's half-computed list behind, which
            # would make later reads depend on read order; start each read afresh instead.
            data.overrides = None
            data.expand_cache = {}
            continue
        if value is not None:
            result.values[name] = str(value)


def bb_flags(
    paths: Sequence[str], bbpath: Sequence[str], names: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], str | None]:
    """Raw flag values after loading (``getVarFlag(name, flag, False)``)."""
    bb = import_bb()
    with captured_bitbake_log(), _oe_stubbed(bb):
        data = bb.data.init()
        data.setVar("BBPATH", ":".join(bbpath))
        for path in paths:
            bb.parse.handle(path, data, 0)
        out: dict[tuple[str, str], str | None] = {}
        for name, flag in names:
            value = data.getVarFlag(name, flag, False)
            out[(name, flag)] = None if value is None else str(value)
        return out


@dataclass
class Comparison:
    """confdrift against BitBake for one load."""

    agree: int = 0
    #: Values confdrift left unevaluated, or BitBake could only compute with oe-core's library.
    unevaluated: int = 0
    diffs: list[str] = field(default_factory=list)
    bb_error: str | None = None
    cd_error: str | None = None
    #: Includes confdrift could not follow because their path needs unevaluated Python.
    unfollowed_includes: int = 0
    #: The line confdrift's load error names, if any.
    cd_line: int | None = None

    @property
    def bb_line(self) -> int | None:
        """The line BitBake's load error names (``F:N:`` or ``line: N``), if any."""
        found = re.search(r":(\d+): |line: (\d+)", self.bb_error or "")
        return int(found.group(1) or found.group(2)) if found else None

    @property
    def outcome_differs(self) -> bool:
        return (self.bb_error is None) != (self.cd_error is None)


def compare(paths: Sequence[str], bbpath: Sequence[str]) -> Comparison:
    """Load with both and compare every variable either side has (values or both failing)."""
    from confdrift.datastore.resolved import load_files as load
    from confdrift.errors import ConfdriftError

    out = Comparison()
    oracle = bb_load(paths, bbpath)
    out.bb_error = oracle.error
    try:
        config = load(list(paths), bbpath=bbpath)
    except ConfdriftError as exc:
        out.cd_error, out.cd_line = str(exc), exc.line
        return out
    out.unfollowed_includes = sum(1 for m in config.missing_includes if m.reason != "not found")
    if oracle.error:
        return out
    for name in sorted(set(oracle.values) | set(config.names())):
        if name.startswith(_INTERNAL) or name in oracle.functions:
            continue
        _compare_one(name, oracle.values.get(name), config, out)
    return out


def _compare_one(name: str, expected: str | Failed | None, config: Any, out: Comparison) -> None:
    from confdrift.errors import ConfdriftError

    try:
        value: str | Failed | None = config.get(name)
        evaluated = config.is_evaluated(name)
    except ConfdriftError as exc:
        value, evaluated = Failed(str(exc)), True
    if not evaluated or (isinstance(expected, Failed) and expected.needs_oe):
        out.unevaluated += 1
    elif (isinstance(expected, Failed) and isinstance(value, Failed)) or expected == value:
        out.agree += 1
    else:
        out.diffs.append(f"{name}: bitbake {expected!r} confdrift {value!r}")
