"""BitBake's variable store: records (:mod:`confdrift.datastore.records`) with the writes of §4.3,
the override index and OVERRIDES, and the reads of §5 with expansion (§6).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from confdrift import limits
from confdrift.datastore import pyexpr
from confdrift.datastore.expand import References, VariableExpansionError, expand_text
from confdrift.datastore.overrides import (
    choose_variant,
    is_active,
    override_parents,
    split_operation,
)
from confdrift.datastore.records import (
    CONTENT,
    DEFAULT,
    FLAG_DEFAULT,
    Record,
    active_removes,
    apply_pending,
    remove_words,
)
from confdrift.errors import ConfdriftError, ExpansionError, LimitError

__all__ = ["CONTENT", "DEFAULT", "FLAG_DEFAULT", "Record", "VarStore"]


@dataclass
class _Read:
    """What one read of a variable produced (BitBake's parser object, reduced)."""

    value: str | None
    expanded: str | None = None
    #: Removal texts that removed at least one word (carried from a winning variant).
    matched_removes: set[str] = field(default_factory=set)


class VarStore:
    """Records plus BitBake's override index, with reads that follow §5 exactly."""

    def __init__(self, max_size: int | None = None) -> None:
        self.records: dict[str, Record] = {}
        #: base name -> {(variant name, override string)} in registration order (a dict used
        #: as an ordered set: oe-core registers thousands of variants, membership must be O(1)).
        self.variants: dict[str, dict[tuple[str, str], None]] = {}
        # The limits are taken when the store is made: reads happen long after the load.
        active = limits.active()
        self.max_size = active.max_value_size if max_size is None else max_size
        self.max_depth = active.max_expansion_depth
        self.budget = active.max_total_size
        #: Characters stored and expanded so far, counted against ``budget``.
        self.spent = 0
        self.override_vars: set[str] = {"OVERRIDES", "FILE"}
        self._overrides: list[str] | None = None
        self._computing_overrides = False
        self._cache: dict[str, tuple[str | None, frozenset[str]]] = {}
        self._stack: list[str] = []
        #: The variable each expansion in progress belongs to (``None``: free text).
        self._expanding: list[str | None] = []
        self._unevaluated: list[set[str]] = []

    # --- writes ------------------------------------------------------------------------

    def record(self, name: str) -> Record:
        self._cache.clear()
        return self.records.setdefault(name, Record())

    def spend(self, size: int, what: str) -> None:
        """Count ``size`` characters against the limits: one value, and the whole load."""
        if size > self.max_size:
            raise limits.exceeded(f"{what} is {size} characters", "max_value_size")
        self.spent += size
        if self.spent > self.budget:
            raise limits.exceeded(
                "the configuration stores and expands too many characters in total "
                f"(reached at {what})",
                "max_total_size",
            )

    def set_content(self, name: str, value: str) -> None:
        """``setVar(name, value, parsing=True)``: a strong value, or a deferred operation."""
        self.spend(len(value), f"the value of {name}")
        op = split_operation(name)
        if op is not None:
            rec = self.record(op.base)
            rec.pending.setdefault(op.keyword, []).append((value, op.condition))
            self.register_variant(op.base)
            self.note_override_input(op.base, name, value)
            return
        rec = self.record(name)
        self.register_variant(name)
        rec.flags[CONTENT] = value
        self.note_override_input(name, name, value)

    def replace_content(self, name: str, value: str) -> None:
        """``setVar`` outside parsing (used for ``FILE``): also drops pending operations."""
        rec = self.record(name)
        rec.pending.clear()
        self._drop_active_variants(name)
        self.register_variant(name)
        rec.flags[CONTENT] = value
        self.note_override_input(name, name, value)

    def clear_content(self, name: str) -> None:
        """``setVar(name, None)`` outside parsing: no value, no pending operations."""
        rec = self.record(name)
        rec.pending.clear()
        self._drop_active_variants(name)
        rec.flags.pop(CONTENT, None)
        rec.flags.pop(DEFAULT, None)

    def set_flag(self, name: str, flag: str, value: str) -> None:
        self.spend(len(value), f"the value of {name}[{flag}]")
        rec = self.record(name)
        rec.flags[flag] = value
        if flag == DEFAULT:
            self.register_variant(name)
            self.note_override_input(name, name, value)

    def delete(self, name: str) -> None:
        """``unset NAME``: empty the record and detach it from/to its override variants."""
        self.records[name] = Record()
        self._cache.clear()
        self.variants.pop(name, None)
        for parent, override in override_parents(name):
            self.variants.get(parent, {}).pop((name, override), None)

    def delete_flag(self, name: str, flag: str) -> bool:
        rec = self.records.get(name)
        if rec is None or flag not in rec.flags:
            return False
        self._cache.clear()
        del rec.flags[flag]
        rec.flags.pop(FLAG_DEFAULT + flag, None)
        return True

    def register_variant(self, name: str) -> None:
        if ":" not in name:
            return  # the common case, kept cheap: most names have no override part
        for parent, override in override_parents(name):
            self.variants.setdefault(parent, {})[(name, override)] = None

    def _drop_active_variants(self, name: str) -> None:
        if name not in self.variants:
            return
        active = set(self.overrides())
        for variant, override in list(self.variants[name]):
            if is_active(override, active):
                self.delete(variant)
        self.variants.pop(name, None)

    # --- OVERRIDES ---------------------------------------------------------------------

    def note_override_input(self, base: str, name: str, value: str) -> None:
        """Setting a variable OVERRIDES depends on makes BitBake recompute the override list.

        Like BitBake, the variables the new value references join that set, and the
        expansion doing so runs now (so its errors surface at parse time).
        """
        if base not in self.override_vars:
            return
        new = self._references(value, name)
        while not new <= self.override_vars:
            self.override_vars |= new
            found: set[str] = set()
            for ref in new:
                found |= self._references(self.get(ref), ref)
            new = found
        self._overrides = None
        self._cache.clear()

    def _references(self, value: str | None, name: str) -> set[str]:
        refs = References()
        if value is not None:
            self._expand(value, name, refs)
        return refs.names

    def overrides(self) -> list[str]:
        """The active override list, cached like BitBake's until an input of it is set."""
        if self._overrides is not None:
            return self._overrides
        if self._computing_overrides:
            return []
        # Reads made while computing see no overrides; BitBake's guard makes a re-entry
        # here harmless, so the cycle check starts afresh too.
        self._computing_overrides = True
        self._overrides = []
        try:
            current = self._overrides_read()
        except ConfdriftError:
            # A failed first read must not leave "no overrides", or values read under it,
            # cached for the next read.
            self._overrides = None
            self._cache.clear()
            raise
        finally:
            self._computing_overrides = False
        # Iterate to a fixpoint: each round reads OVERRIDES under the previous round's list.
        for _ in range(5):
            self._overrides = current
            self._cache.clear()
            try:
                new = self._overrides_read()
            except ConfdriftError:
                # No half-computed list, nor a value read under it, survives a failed read.
                self._overrides = None
                self._cache.clear()
                raise
            if new == current:
                return current
            current = new
        self._overrides = None
        self._cache.clear()
        raise ExpansionError(
            "Overrides could not be expanded into a stable state after 5 iterations"
        )

    def _overrides_read(self) -> list[str]:
        saved_stack, self._stack = self._stack, []
        # Deliberately optimistic: an unevaluated piece of OVERRIDES (oe-core always has
        # ``pn-${@bb.parse.vars_from_file(...)}``) is taken to switch on no variant, so
        # it does not make every variable with overrides unknown.
        self._unevaluated.append(set())
        try:
            return (self.get("OVERRIDES") or "").split(":")
        finally:
            self._stack = saved_stack
            self._unevaluated.pop()

    # --- reads -------------------------------------------------------------------------

    def get(self, name: str, expand: bool = True, weak: bool = True) -> str | None:
        """``d.getVar(name, expand)``: §5 in full (``weak=False``: ``noweakdefault=True``)."""
        if name not in self.records and name not in self.variants:
            return None  # undefined: nothing to read, nothing can recurse
        if expand and weak and name in self._cache:
            value, known = self._cache[name]
            self._note_unevaluated(known)
            return value
        self._enter(name)
        reasons: set[str] = set()
        self._unevaluated.append(reasons)
        try:
            read = self._read(name, expand, weak=weak)
        finally:
            self._stack.pop()
            self._unevaluated.pop()
        self._note_unevaluated(reasons)
        if expand and weak:
            self._cache[name] = (read.value, frozenset(reasons))
        return read.value

    def unevaluated_reasons(self, name: str) -> frozenset[str]:
        """Why ``name``'s value still holds ``${@...}`` text (empty: fully evaluated)."""
        try:
            self.get(name)
        except (ExpansionError, LimitError):
            return frozenset()  # the read fails outright: that outcome is known
        return self._cache.get(name, (None, frozenset()))[1]

    def get_parsing(self, name: str) -> str | None:
        """``getVar(name, False, noweakdefault=True, parsing=True)``: the bare strong value."""
        rec = self.records.get(name)
        return None if rec is None else rec.flags.get(CONTENT)

    def get_flag(self, name: str, flag: str, expand: bool = False, weak: bool = True) -> str | None:
        rec = self.records.get(name)
        if rec is None:
            return None
        value = rec.flags.get(flag)
        if value is None and weak:
            value = rec.flags.get(DEFAULT if flag == CONTENT else FLAG_DEFAULT + flag)
        if value is None or not expand:
            return value
        return self._expand(value, f"{name}[{flag}]")

    def expand(self, text: str, variable: str | None = None) -> str:
        """Expand free text (``:=`` values, include paths) against the current state."""
        return self._expand(text, variable)

    def expand_in_copy(self, text: str, variable: str) -> str:
        """Expand like ``:=`` does: BitBake expands in a copy of the datastore, so an
        override list computed on the way is not kept by the original."""
        saved = self._overrides
        try:
            return self._expand(text, variable)
        finally:
            self._overrides = saved
            self._cache.clear()

    def expand_checked(self, text: str) -> tuple[str, frozenset[str]]:
        """:meth:`expand`, plus why the result still holds unevaluated ``${@...}`` text."""
        reasons: set[str] = set()
        self._unevaluated.append(reasons)
        try:
            return self._expand(text, None), frozenset(reasons)
        finally:
            self._unevaluated.pop()

    def _enter(self, name: str) -> None:
        if name in self._stack:
            # BitBake itself only catches the direct case (and dies of RecursionError on
            # A -> B -> A); its message is kept, with the cycle it went round.
            chain = " -> ".join([*self._stack[self._stack.index(name) :], name])
            message = f"variable {name} references itself (through {chain})!"
            raise VariableExpansionError(name, message)
        if len(self._stack) >= self.max_depth:
            raise limits.exceeded(
                f"expansion nests deeper than {self.max_depth} variables",
                "max_expansion_depth",
                chain=[*self._stack, name],
            )
        self._stack.append(name)

    def _note_unevaluated(self, reasons: set[str] | frozenset[str]) -> None:
        if reasons and self._unevaluated:
            self._unevaluated[-1].update(reasons)

    def _read(
        self, name: str, expand: bool, want_expanded: bool = False, weak: bool = True
    ) -> _Read:
        rec = self.records.get(name) or Record()
        read, carried = _Read(None), set[str]()
        if name in self.variants:
            winner = choose_variant(self.variants[name], self.overrides())
            if winner is not None:
                sub = self._read_variant(winner)
                read.value, carried = sub.value, sub.matched_removes
        if read.value is None:
            read.value = rec.flags.get(CONTENT, rec.flags.get(DEFAULT) if weak else None)
        read.value = self._apply_pending(rec, read.value)
        if expand or want_expanded:
            read.expanded = None if read.value is None else self._expand(read.value, name)
        if read.value and read.expanded is not None:
            self._apply_removes(rec, carried, read)
        if expand:
            read.value = read.expanded
        return read

    def _read_variant(self, winner: str) -> _Read:
        """A winning variant's unexpanded value and the removals that matched its text."""
        self._enter(winner)
        try:
            return self._read(winner, False, want_expanded=True)
        finally:
            self._stack.pop()

    def _apply_pending(self, rec: Record, value: str | None) -> str | None:
        if not rec.pending.get(":append") and not rec.pending.get(":prepend"):
            return value
        return apply_pending(rec, value, self.overrides())

    def _apply_removes(self, rec: Record, carried: set[str], read: _Read) -> None:
        removes = set(carried)
        if rec.pending.get(":remove"):
            removes |= active_removes(rec, self.overrides())
        if not removes or read.expanded is None:
            return
        words = {r: self._expand(r, None).split() for r in removes}
        read.expanded, read.matched_removes = remove_words(read.expanded, words)

    def _expand(self, text: str, variable: str | None, refs: References | None = None) -> str:
        self._expanding.append(variable)
        try:
            result = expand_text(
                text, variable, self.get, self._run_python, refs=refs, max_size=self.max_size
            )
            if result is not text:
                self.spend(len(result), f"the value of {variable or 'an expression'}")
            return result
        except LimitError as exc:
            # The innermost expansion names the variables that led to it, once.
            if not exc.chain and self._stack:
                limits.add_chain(exc, self._stack)
            raise
        finally:
            self._expanding.pop()

    def _run_python(self, code: str) -> str | None:
        if "${@" in code:
            # Only an expression confdrift left unevaluated gets pasted into code like
            # this; BitBake would have pasted its result, so the outcome is unknown.
            self._note_unevaluated({f"${{@{code}}} contains an expression not evaluated"})
            return None
        self._read_vardeps(code)
        result = pyexpr.evaluate(code, self._py_getvar, self._py_getflag)
        if isinstance(result, pyexpr.NotEvaluated):
            self._note_unevaluated({f"${{@{code}}} {result.reason}"})
            return None
        return result

    def _read_vardeps(self, code: str) -> None:
        """BitBake reads the variable's ``vardeps`` flag, expanded, before running its code.

        The value only feeds BitBake's dependency log, but expanding it can fail (a
        ``vardeps`` that mentions the variable itself recurses), failing the variable too.
        """
        variable = self._expanding[-1] if self._expanding else None
        if not variable or self.get_flag(variable, "vardeps") is None:
            return
        try:
            ast.parse(code.strip(), mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return  # BitBake fails (or skips) on compiling before it reads the flag
        self._unevaluated.append(set())  # only the failure matters, not what it expands to
        try:
            self.get_flag(variable, "vardeps", expand=True)
        finally:
            self._unevaluated.pop()

    def _py_getvar(self, name: str, expand: bool) -> str | None:
        reasons: set[str] = set()
        self._unevaluated.append(reasons)
        try:
            value = self.get(name, expand)
        finally:
            self._unevaluated.pop()
        if reasons:
            raise pyexpr.Unevaluable(f"{name} is not evaluated: {sorted(reasons)[0]}")
        return value

    def _py_getflag(self, name: str, flag: str, expand: bool) -> str | None:
        return self.get_flag(name, flag, expand)
