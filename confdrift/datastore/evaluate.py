"""Evaluating parsed statements into a :class:`~.varstore.VarStore`, in file order.

This is BitBake's statement evaluation (§4, §7) for configuration files and the ``.inc``
files they reach: assignments with every operator, ``export``, ``unset``, includes, and the
checks that abort a parse (old override syntax) or are reported (renamed variables).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from confdrift import limits
from confdrift.datastore import includes
from confdrift.datastore.fragments import add_fragments
from confdrift.datastore.history import Recorder, Step
from confdrift.datastore.overrides import (
    KEYWORDS,
    new_override_syntax,
    split_operation,
    uses_old_syntax,
)
from confdrift.datastore.varstore import CONTENT, DEFAULT, FLAG_DEFAULT, VarStore
from confdrift.errors import ConfdriftError, ParseError
from confdrift.syntax.nodes import Kind, ParsedFile, Statement

#: Renames BitBake itself knows (its own variables); metadata adds more via
#: ``BB_RENAMED_VARIABLES[OLD] = "NEW"``. A replacement with a space is a message instead.
BUILTIN_RENAMES = {
    "BB_ENV_WHITELIST": "BB_ENV_PASSTHROUGH",
    "BB_ENV_EXTRAWHITE": "BB_ENV_PASSTHROUGH_ADDITIONS",
    "BB_HASHBASE_WHITELIST": "BB_BASEHASH_IGNORE_VARS",
    "BB_HASHCONFIG_WHITELIST": "BB_HASHCONFIG_IGNORE_VARS",
    "BB_HASHTASK_WHITELIST": "BB_TASKHASH_IGNORE_TASKS",
    "BB_SETSCENE_ENFORCE_WHITELIST": "BB_SETSCENE_ENFORCE_IGNORE_TASKS",
    "MULTI_PROVIDER_WHITELIST": "BB_MULTI_PROVIDER_ALLOWED",
    "BB_STAMP_WHITELIST": "is a deprecated variable and support has been removed",
    "BB_STAMP_POLICY": "is a deprecated variable and support has been removed",
}
_ARITHMETIC: dict[str, Callable[[str, str], str]] = {
    "+=": lambda cur, new: f"{cur} {new}",
    "=+": lambda cur, new: f"{new} {cur}",
    ".=": lambda cur, new: cur + new,
    "=.": lambda cur, new: new + cur,
}
_INCLUDE_KINDS = (Kind.INCLUDE, Kind.REQUIRE, Kind.INCLUDE_ALL)

Parser = Callable[[str, bool], ParsedFile]


@dataclass
class Evaluator:
    """One load: the store, its history, and what the load saw along the way."""

    store: VarStore
    parse: Parser
    recorder: Recorder = field(default_factory=Recorder)
    files: list[str] = field(default_factory=list)
    missing: list[includes.MissingInclude] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    python_functions: list[str] = field(default_factory=list)
    renames: dict[str, str] = field(default_factory=lambda: dict(BUILTIN_RENAMES))
    #: Statements of the files read so far (see ``limits.max_statements``).
    statement_count: int = 0
    _chain: list[str] = field(default_factory=list)

    # --- files ------------------------------------------------------------------------

    def load_top(self, path: str) -> None:
        """Read a file named on the command line (BitBake's ``handle(fn, d)``)."""
        self.load_file(path if os.path.isabs(path) else os.path.abspath(path), top=True)

    def load_file(self, path: str, top: bool = False) -> None:
        parsed = self.parse(path, top)
        self.warnings.extend(f"{path}:{w.line}: {w.message}" for w in parsed.warnings)
        old = None if top else self.store.get("FILE", expand=False)
        is_inc = not path.endswith(".conf")
        self.files.append(path)
        self._chain.append(path)
        if not (is_inc and path == old):
            self.store.replace_content("FILE", path)
        self._budget(len(parsed.statements), path)
        try:
            for statement in parsed.statements:
                self.run(statement, path)
        finally:
            self._chain.pop()
        if old and not (is_inc and path == old):
            self.store.replace_content("FILE", old)

    def _budget(self, count: int, path: str) -> None:
        """Refuse a file before evaluating it when it would take the load over its limit."""
        self.statement_count += count
        limit = limits.active().max_statements
        if self.statement_count > limit:
            raise limits.exceeded(f"the configuration has over {limit} statements to evaluate",
                                  "max_statements", filename=path, line=1)

    def run(self, st: Statement, filename: str) -> None:
        try:
            self._dispatch(st, filename)
        except ConfdriftError as exc:
            if exc.filename is None:
                exc.filename, exc.line = filename, st.span.end_line
            raise

    def _dispatch(self, st: Statement, filename: str) -> None:
        line = st.span.end_line
        if st.kind is Kind.ASSIGN:
            self.assign(st, filename)
        elif st.kind is Kind.EXPORT and st.name:
            step = Step(st.name, st.name, filename, line, "export", None, "flag", "export")
            self.set_flag(st.name, "export", "1", step, checked=False)
        elif st.kind is Kind.UNSET and st.name:
            self.unset(st, filename)
        elif st.kind in _INCLUDE_KINDS:
            self.include(st, filename)
        elif st.kind is Kind.ADDFRAGMENTS:
            add_fragments(self, st, filename)
        elif st.kind is Kind.PYTHON_DEF and st.name:
            self.python_functions.append(st.name)
        elif st.kind in (Kind.INHERIT, Kind.INHERIT_DEFER):
            self.inherit(st, filename)
        elif st.kind is Kind.ADDPYLIB:
            self.warnings.append(f"{filename}:{line}: addpylib not followed: {st.text}")

    # --- assignments ------------------------------------------------------------------

    def assign(self, st: Statement, filename: str) -> None:
        key, flag, op, raw = st.name or "", st.flag, st.op or "=", st.value or ""
        line = st.span.end_line
        if st.exported:
            export = Step(key, key, filename, line, "export", None, "flag", "export")
            self.set_flag(key, "export", "1", export, checked=True, file=filename, line=line)
        value, applied = self._operand(key, flag, op, raw)
        if op in _ARITHMETIC and any(kw in key for kw in KEYWORDS):
            self.warnings.append(
                f"{key} {op} is not a recommended operator combination, please replace it."
            )
        step = self._step(key, flag, op, raw, filename, line, applied)
        if op == "??=":
            internal = FLAG_DEFAULT + flag if flag else DEFAULT
            self.set_flag(key, internal, value, step, checked=True, file=filename, line=line)
        elif flag:
            self.set_flag(key, flag, value, step, checked=True, file=filename, line=line)
        else:
            self.set_var(key, value, step)

    def _operand(self, key: str, flag: str | None, op: str, raw: str) -> tuple[str, bool]:
        """The text the operator stores, and whether a ``?=`` took effect."""
        if op == "?=":
            current = self._current(key, flag)
            return (raw, True) if current is None else (current, False)
        if op == ":=":
            return self.store.expand_in_copy(raw, f"{key}[:=]"), True
        if op in _ARITHMETIC:
            return _ARITHMETIC[op](self._current(key, flag) or "", raw), True
        return raw, True

    def _current(self, key: str, flag: str | None) -> str | None:
        if flag:
            return self.store.get_flag(key, flag, weak=False)
        return self.store.get_parsing(key)

    def _step(
        self, key: str, flag: str | None, op: str, raw: str, file: str, line: int, applied: bool
    ) -> Step:
        operation = split_operation(key) if not flag and op != "??=" else None
        if operation is not None:
            return Step(
                operation.base,
                key,
                file,
                line,
                operation.keyword,
                raw,
                "pending",
                condition=operation.condition,
            )
        if op == "??=":
            slot = "flagdefault" if flag else "default"
        else:
            slot = "flag" if flag else "content"
        note = "" if applied else "already set"
        return Step(key, key, file, line, op, raw, slot, flag, applied=applied, note=note)

    def set_var(self, key: str, value: str, step: Step) -> None:
        """``setVar(key, value, parsing=True)`` with BitBake's fatal and reported checks."""
        if uses_old_syntax(key):
            raise ParseError(_old_syntax_message(key, step.file, step.line), step.file, step.line)
        short = key.split(":", 1)[0]
        if short in self.renames:
            self._renamed(short, step.file, step.line, key)
        self.store.set_content(key, value)
        if step.slot == "pending":
            self._renamed_flag_check(step.record)
        self.recorder.add(step)

    def set_flag(
        self,
        key: str,
        flag: str,
        value: str,
        step: Step,
        *,
        checked: bool,
        file: str | None = None,
        line: int | None = None,
    ) -> None:
        if key == "BB_RENAMED_VARIABLES":
            self.renames[flag] = value
        if key in self.renames:
            self._renamed(key, file if checked else None, line if checked else None, key)
        self.store.set_flag(key, flag, value)
        self.recorder.add(step)

    def unset(self, st: Statement, filename: str) -> None:
        name, line = st.name or "", st.span.end_line
        if st.flag:
            done = self.store.delete_flag(name, st.flag)
            step = Step(name, name, filename, line, "unset-flag", None, "flag", st.flag)
            step.applied = done
            self.recorder.add(step)
            return
        self.store.delete(name)
        self.recorder.add(Step(name, name, filename, line, "unset", None, "unset"))

    def _renamed(self, old: str, file: str | None, line: int | None, full: str) -> None:
        info = []
        if file is not None:
            info.append(f"file: {file}")
        if line is not None:
            info.append(f"line: {line}")
        if full != old:
            info.append(f"referenced as: {full}")
        suffix = f" ({' '.join(info)})" if info else ""
        new = self.renames[old]
        text = f"{old} {new}" if " " in new else f"{old} has been renamed to {new}"
        message = f"Variable {text}{suffix}"
        if message not in self.errors:
            self.errors.append(message)

    def _renamed_flag_check(self, base: str) -> None:
        # A deferred operation also stores a flag on the base, which BitBake checks again.
        if base in self.renames:
            self._renamed(base, None, None, base)

    # --- includes -----------------------------------------------------------------------

    def include(self, st: Statement, filename: str) -> None:
        rest, unknown = self.store.expand_checked(_directive_rest(st))
        parent = self.store.expand(filename)
        line = st.span.end_line
        if unknown:
            # BitBake would evaluate the path; confdrift cannot, so it cannot follow it.
            self.warnings.append(
                f"{filename}:{line}: {st.kind.value} not followed: {rest!r} "
                f"needs inline Python confdrift does not evaluate"
            )
            reason = "path needs inline Python confdrift does not evaluate"
            self.missing.append(includes.MissingInclude(parent, line, rest, (), reason))
            return
        if st.kind is Kind.INCLUDE_ALL:
            for entry in (self.store.get("BBPATH") or "").split(":"):
                for name in self.store.expand(os.path.join(entry, rest)).split():
                    self.include_one(parent, name, line, required=False)
            return
        for name in rest.split():
            self.include_one(parent, name, line, required=st.kind is Kind.REQUIRE)

    def include_one(self, parent: str, name: str, line: int, required: bool) -> None:
        if name == parent:
            return
        bbpath = self.store.get("BBPATH")
        name = includes.locate(name, parent, bbpath)
        if name in self.files:
            self.warnings.append(f"Duplicate inclusion for {name} in {self.store.get('FILE')}")
        includes.check_readable_kind(name, parent, line)
        path = includes.final_path(name, bbpath)
        if path is None:
            if required:
                raise ParseError(f"Could not include required file {name}", parent, line)
            searched = includes.search_dirs(parent, bbpath)
            # A directory or FIFO of that name is skipped too (never opened: it could block).
            reason = "not a regular file" if os.path.exists(name) else "not found"
            self.missing.append(includes.MissingInclude(parent, line, name, searched, reason))
            return
        if path in self._chain:
            raise includes.cycle_error(self._chain, path, parent, line)
        if len(self._chain) >= limits.active().max_include_depth:
            raise includes.depth_error(self._chain, parent, line)
        self.load_file(path)

    def inherit(self, st: Statement, filename: str) -> None:
        """``inherit`` in an ``.inc``: the class must exist; its content is not evaluated.

        ``inherit_defer`` only records the classes (BitBake looks them up when a recipe is
        finalised, which configuration parsing never does).
        """
        line = st.span.end_line
        if st.kind is Kind.INHERIT_DEFER:
            self.warnings.append(f"{filename}:{line}: inherit_defer not evaluated: {st.text}")
            return
        bbpath = self.store.get("BBPATH") or ""
        for cls in self.store.expand(" ".join(st.args)).split():
            name = cls if cls.endswith(".bbclass") else f"{cls}.bbclass"
            found = includes.which(bbpath, f"classes-global/{name}") or includes.which(
                bbpath, f"classes/{name}"
            )
            if found is None and not os.path.isabs(cls):
                message = f"Could not inherit file classes/{name}"
                raise ParseError(message, filename, line)
            self.warnings.append(f"{filename}:{line}: class {cls} not evaluated")


def _directive_rest(st: Statement) -> str:
    """The text after the directive keyword, as BitBake passes it to expansion."""
    keyword = st.kind.value
    text = st.text
    if text.startswith(keyword):
        rest = text[len(keyword) :]
        if rest[:1].isspace():
            return rest.strip()
    return " ".join(st.args)


def _old_syntax_message(key: str, file: str, line: int) -> str:
    message = (
        f"Variable {key} file: {file} line: {line} contains an operation using the old override"
        " syntax. Please convert this layer/metadata before attempting to use with a newer bitbake."
    )
    fixed = new_override_syntax(key)
    return message if fixed == key else f"{message} (new syntax: {fixed})"


__all__ = ["CONTENT", "Evaluator"]
