"""Load configuration files into one BitBake-style datastore and read it back.

``load(paths)`` evaluates each file in order (with its includes) exactly as BitBake's
configuration parser does; the :class:`ResolvedConfig` it returns answers what
``d.getVar``/``d.getVarFlag`` would, and keeps each variable's history.

Renamed variables (``BB_ENV_WHITELIST``, ``BB_RENAMED_VARIABLES[OLD]``...) do not make
``load`` fail: BitBake logs them as errors and refuses the build only later, in the cooker,
so they are kept in :attr:`ResolvedConfig.errors` for the rules to report.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import NamedTuple

from confdrift import limits as limits_in_force
from confdrift.datastore import history
from confdrift.datastore.evaluate import BUILTIN_RENAMES, Evaluator
from confdrift.datastore.history import FinalState, HistoryEntry, Step
from confdrift.datastore.includes import MissingInclude
from confdrift.datastore.overrides import choose_variant, condition_active
from confdrift.datastore.varstore import CONTENT, FLAG_DEFAULT, VarStore
from confdrift.errors import ConfdriftError, ExpansionError, InputError, LimitError
from confdrift.limits import Limits
from confdrift.syntax.nodes import ParsedFile

__all__ = ["HistoryEntry", "MissingInclude", "RenamedUse", "ResolvedConfig", "load_files"]

PathLike = str | os.PathLike[str]


class _LoadResult(NamedTuple):
    files: tuple[str, ...]
    missing: tuple[MissingInclude, ...]
    warnings: tuple[str, ...]
    errors: tuple[str, ...]
    python_functions: tuple[str, ...]


class RenamedUse(NamedTuple):
    """A variable BitBake knows was renamed, still set when loading is done.

    The cooker refuses such a configuration after reading it (``bitbake`` stops with
    "Variable OLD has been renamed to NEW").
    """

    old: str
    #: The new name, or (when it contains a space) BitBake's text to show instead.
    new: str
    #: ``(file, line)`` of each statement that set it.
    locations: tuple[tuple[str, int], ...]

    @property
    def message(self) -> str:
        if " " in self.new:
            return f"Variable {self.old} {self.new}"
        return f"Variable {self.old} has been renamed to {self.new}"


class ResolvedConfig:
    """The datastore after loading: BitBake's reads, plus provenance.

    Reads raise :class:`~confdrift.errors.ExpansionError` where BitBake's would (a
    self-reference, a failing ``${@...}``), for that variable only.
    """

    def __init__(self, evaluator: Evaluator) -> None:
        self._store = evaluator.store
        self._recorder = evaluator.recorder
        self._result = _LoadResult(
            tuple(evaluator.files),
            tuple(evaluator.missing),
            tuple(evaluator.warnings),
            tuple(evaluator.errors),
            tuple(evaluator.python_functions),
        )

    @property
    def files(self) -> tuple[str, ...]:
        """Every file read, in order (a file included twice appears twice)."""
        return self._result.files

    @property
    def missing_includes(self) -> tuple[MissingInclude, ...]:
        return self._result.missing

    @property
    def warnings(self) -> tuple[str, ...]:
        """BitBake's own warnings for this load (duplicate inclusion, odd operators...)."""
        return self._result.warnings

    @property
    def errors(self) -> tuple[str, ...]:
        """Errors BitBake logs without stopping the parse (renamed variables)."""
        return self._result.errors

    @property
    def python_functions(self) -> tuple[str, ...]:
        """Names of ``def`` functions found in ``.inc`` files (not evaluated)."""
        return self._result.python_functions

    def renamed_in_use(self) -> tuple[RenamedUse, ...]:
        """The cooker's final check: renamed variables (BitBake's own list plus every
        ``BB_RENAMED_VARIABLES[OLD]``) that have a value or override variants."""
        found = []
        for old, new in sorted(self._renames().items()):
            if not self._has_value(old) and not self._store.variants.get(old):
                continue
            steps = self._recorder.steps.get(old, [])
            where = tuple(dict.fromkeys((s.file, s.line) for s in steps if s.line))
            found.append(RenamedUse(old, new, where))
        return tuple(found)

    def _renames(self) -> dict[str, str]:
        rec = self._store.records.get("BB_RENAMED_VARIABLES")
        flags = dict(rec.flags) if rec is not None else {}
        renames = {k: v for k, v in flags.items() if not k.startswith(("_", ":"))}
        for key, value in flags.items():
            if key.startswith(FLAG_DEFAULT):
                renames.setdefault(key[len(FLAG_DEFAULT) :], value)
        return {**renames, **BUILTIN_RENAMES}

    def expand_keys(self) -> tuple[str, ...]:
        """Rename ``PREFERRED_VERSION_${X}``-style keys to their expansion, as ``bitbake -e``
        and recipe parsing do (the ``${}`` key wins over an existing expanded name). This
        changes this configuration; returns BitBake's warnings for replaced keys."""
        from confdrift.datastore.keys import expand_keys

        return tuple(expand_keys(self._store))

    def get(self, name: str) -> str | None:
        """``d.getVar(name)``: the final, expanded value (``None``: unset)."""
        with self._located(name):
            return self._store.get(name)

    def get_unexpanded(self, name: str) -> str | None:
        """``d.getVar(name, False)``: variant, weak default and appends applied, no removals."""
        with self._located(name):
            return self._store.get(name, expand=False)

    def get_flag(self, name: str, flag: str, expand: bool = False) -> str | None:
        """A flag's value (weak flag default included); raw unless ``expand``."""
        with self._located(name):
            return self._store.get_flag(name, flag, expand)

    @contextmanager
    def _located(self, name: str) -> Iterator[None]:
        """A read fails long after the load: point its error at the statement that set
        ``name`` last, so a user sees a file and a line."""
        try:
            yield
        except ConfdriftError as exc:
            if exc.filename is None:
                # An unstable override list is OVERRIDES' fault, whatever was being read.
                blame = ("OVERRIDES",) if "Overrides could not" in exc.message else (name,)
                step = self._last_statement(*blame)
                if step is not None:
                    exc.filename, exc.line = step.file, step.line
            raise

    def _last_statement(self, *names: str) -> Step | None:
        # The raw steps, not history(): that needs the override list, which may be what fails.
        for name in names:
            steps = [s for s in self._recorder.steps.get(name, ()) if s.line > 0]
            if steps:
                return steps[-1]
        return None

    def names(self) -> list[str]:
        """Every variable that has a value, sorted (override variants included by name)."""
        candidates = set(self._store.records) | set(self._store.variants)
        return sorted(n for n in candidates if self._has_value(n))

    def _has_value(self, name: str) -> bool:
        try:
            return self._store.get(name, expand=False) is not None
        except (ExpansionError, LimitError):
            return True  # it has text; reading it fails (a variant referring back, say)

    def is_evaluated(self, name: str) -> bool:
        """False when the value still holds ``${@...}`` text confdrift could not evaluate."""
        with self._located(name):
            return not self._store.unevaluated_reasons(name)

    def unevaluated(self, name: str) -> tuple[str, ...]:
        """Why :meth:`is_evaluated` is false, one reason per expression (empty when true)."""
        return tuple(sorted(self._store.unevaluated_reasons(name)))

    def history(self, name: str) -> tuple[HistoryEntry, ...]:
        """Every step that touched ``name`` or one of its override variants, in order."""
        found: list[tuple[int, HistoryEntry]] = []
        with self._located(name):
            self._collect(name, found, winner=True, seen=set())
        return tuple(entry for _, entry in sorted(found, key=lambda item: item[0]))

    def _collect(
        self, name: str, out: list[tuple[int, HistoryEntry]], winner: bool, seen: set[str]
    ) -> None:
        if name in seen:
            return
        seen.add(name)
        chosen = self._winner(name)
        steps = self._recorder.steps.get(name, [])
        state = self._final_state(name, chosen, winner)
        out.extend(zip((s.order for s in steps), history.entries(steps, state), strict=True))
        for variant, _ in self._store.variants.get(name, []):
            self._collect(variant, out, winner and variant == chosen, seen)

    def _winner(self, name: str) -> str | None:
        variants = self._store.variants.get(name)
        if not variants:
            return None
        chosen = choose_variant(variants, self._store.overrides())
        if chosen is None or self._store.get(chosen, expand=False) is None:
            return None
        return chosen

    def _final_state(self, name: str, chosen: str | None, live: bool) -> FinalState:
        rec = self._store.records.get(name)
        overrides = self._store.overrides()
        return FinalState(
            has_content=rec is not None and CONTENT in rec.flags,
            variant_won=chosen is not None,
            chosen=live,
            condition_active=lambda cond: condition_active(cond, overrides),
            remove_matched=lambda text: self._removes_something(name, text),
        )

    def _removes_something(self, name: str, text: str) -> bool:
        try:
            value = self._store.get(name, expand=False)
            words = set(self._store.expand(text).split())
            if value is None:
                return False
            return bool(words & set(self._store.expand(value, name).split()))
        except Exception:  # a value that cannot be expanded has no removable words to show
            return False


def load_files(
    paths: PathLike | Sequence[PathLike],
    bbpath: Iterable[PathLike] | None = None,
    overrides: Mapping[str, str] | None = None,
    *,
    limits: Limits | None = None,
) -> ResolvedConfig:
    """Evaluate the files ``paths`` in order into one datastore, as ``bb.parse.handle`` would.

    ``bbpath`` becomes the ``BBPATH`` variable (default: the first file's directory);
    ``overrides`` are set first, like variables taken from the environment. Raises
    :class:`~confdrift.errors.ParseError` (or a subclass) for anything BitBake rejects,
    :class:`~confdrift.errors.ExpansionError` for a failing ``:=`` or include path, and
    :class:`~confdrift.errors.LimitError` when a safety limit is hit (``limits``; default:
    the limits in force, see :mod:`confdrift.limits`). A whole build is loaded by
    :func:`confdrift.load` (or :func:`confdrift.build.chain.load_build`).
    """
    with limits_in_force.using(limits):
        return _load(paths, bbpath, overrides)


def _load(
    paths: PathLike | Sequence[PathLike],
    bbpath: Iterable[PathLike] | None,
    overrides: Mapping[str, str] | None,
) -> ResolvedConfig:
    if isinstance(paths, (str, os.PathLike)):
        files = [os.fspath(paths)]
    else:
        files = [os.fspath(p) for p in paths]
    if not files:
        raise InputError("no configuration file given")
    first_dir = os.path.dirname(os.path.abspath(files[0]))
    dirs = [os.fspath(d) for d in bbpath] if bbpath is not None else [first_dir]
    evaluator = Evaluator(VarStore(), _parse)
    preset = {"BBPATH": ":".join(dirs), **(overrides or {})}
    for name, value in preset.items():
        step = Step(name, name, "<environment>", 0, "env", value, "content")
        evaluator.set_var(name, value, step)
    for path in files:
        evaluator.load_top(path)
    return ResolvedConfig(evaluator)


def _parse(path: str, top: bool) -> ParsedFile:
    """Parse a file once per process and state: configurations share most of their includes."""
    from confdrift.syntax import memo

    return memo.parse_file(path, base_config=None if top else False)
