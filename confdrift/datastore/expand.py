"""Expansion of ``${NAME}`` and ``${@...}`` text, with BitBake's pass structure (§6).

This module knows the text rules only; reading a referenced variable and evaluating
inline Python are callbacks supplied by the datastore, so the same loop serves reads,
``:=`` and include paths. ``${@...}`` is never executed: it goes to :mod:`.pyexpr`'s
safe evaluator (through the ``run_python`` callback), and what it cannot evaluate stays literal.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from confdrift import limits
from confdrift.datastore.pyexpr import PyExprError, UnterminatedString
from confdrift.errors import ExpansionError, LimitError

#: ``${NAME}`` as BitBake recognises it: no spaces, ``$``, ``{``, ``@`` inside.
VAR_REF = re.compile(r"\$\{[a-zA-Z0-9\-_+./~:]+\}")
# ``${@`` code ``}``: the shortest text to a ``}`` that is not inside a ``{...}`` pair.
_PY_REF = re.compile(r"\$\{@(?:\{.*?\}|.)+?\}")


@functools.cache  # compiled on first use, not at import
def _py_name_ref() -> re.Pattern[str]:
    """Names a Python snippet reads through ``d.getVar('X')`` or ``contains('X', ...)``."""
    return re.compile(r"""(?:getVar|contains|contains_any)\(\s*['"]([^'"]+)['"]""")


DEFAULT_MAX_SIZE = 16 * 1024 * 1024

Lookup = Callable[[str], "str | None"]
RunPython = Callable[[str], "str | None"]


class VariableExpansionError(ExpansionError):
    """Expanding one variable failed; ``chain`` lists the variables from the failure outwards."""

    def __init__(self, variable: str | None, message: str) -> None:
        super().__init__(message)
        self.variable = variable
        self.chain: list[str] = [variable or ""]

    def add_outer(self, variable: str | None) -> None:
        if variable and variable != self.chain[-1]:
            self.chain.append(variable)

    def __str__(self) -> str:
        text = super().__str__()  # with the file and line, when known
        if len(self.chain) < 2:
            return text
        return f"{text}\nThe variable dependency chain for the failure is: " + " -> ".join(
            self.chain
        )


@dataclass
class References:
    """Names one expansion referenced directly (BitBake tracks these for OVERRIDES)."""

    names: set[str] = field(default_factory=set)


class _Unterminated(Exception):
    """A ``${@`` whose code is an unterminated string: BitBake abandons the Python pass."""


def failure(variable: str | None, text: str, exc_text: str) -> VariableExpansionError:
    """The error BitBake reports when expanding ``variable`` (current text ``text``) failed."""
    if variable:
        msg = (
            f"Failure expanding variable {variable}, expression was {text}"
            f" which triggered exception {exc_text}"
        )
    else:
        msg = f"Failure expanding expression {text} which triggered exception {exc_text}"
    return VariableExpansionError(variable, msg)


def expand_text(
    text: str,
    variable: str | None,
    lookup: Lookup,
    run_python: RunPython,
    *,
    refs: References | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
) -> str:
    """Expand ``text`` the way BitBake expands the value of ``variable`` (``None``: anonymous).

    Each pass substitutes every ``${NAME}`` then every ready ``${@...}``; passes repeat
    until nothing changes. ``lookup`` returns a variable's full value or ``None``
    (undefined: the reference stays literal); ``run_python`` returns ``None`` to leave an
    expression literal (not evaluated).
    """
    while "${" in text:
        before = text
        text = _substitute_names(text, variable, lookup, refs, max_size)
        # On an unterminated string BitBake drops this pass's Python step entirely.
        with contextlib.suppress(_Unterminated):
            text = _PY_REF.sub(lambda m: _python(m.group(), variable, run_python, refs), text)
        if len(text) > max_size:
            raise _too_big(variable, max_size)
        if text == before:
            break
    return text


def _too_big(variable: str | None, max_size: int) -> LimitError:
    what = f"the value of {variable}" if variable else "an expression"
    return limits.exceeded(f"{what} grows past the value size limit", "max_value_size")


def _substitute_names(
    text: str, variable: str | None, lookup: Lookup, refs: References | None, max_size: int
) -> str:
    # The size is checked while substituting: a thousand references to a value just under
    # the limit must fail at once, not after building a string a thousand times too big.
    size = len(text)

    def one(match: re.Match[str]) -> str:
        nonlocal size
        key = match.group()[2:-1]
        if variable and key == variable:
            raise failure(variable, text, f"Exception: variable {variable} references itself!")
        if refs is not None:
            refs.names.add(key)
        value = lookup(key)
        if value is None:
            return match.group()
        size += len(value) - len(match.group())
        if size > max_size:
            raise _too_big(variable, max_size)
        return value

    return VAR_REF.sub(one, text)


def _python(
    whole: str, variable: str | None, run_python: RunPython, refs: References | None
) -> str:
    code = whole[3:-1]
    if VAR_REF.search(code):
        return whole  # evaluated in a later pass, once the inner ${NAME} is gone
    if refs is not None:
        refs.names.update(_py_name_ref().findall(code))
    try:
        result = run_python(code)
    except UnterminatedString as exc:
        raise _Unterminated from exc
    except PyExprError as exc:
        raise failure(variable, whole, str(exc)) from exc
    return whole if result is None else result
