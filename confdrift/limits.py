"""The safety limits in force for one run, and the errors that name them.

confdrift reads files anyone can edit, often on a shared CI runner, so every resource a
configuration can make it spend has a ceiling (:class:`Limits`, set in
``[tool.confdrift.limits]``). The limits of the run are held in a context variable rather
than threaded through every call: the parser, the include resolver and the datastore read
:func:`active` at the moment they need a limit, and the entry points (``load``,
``load_build``, the engine, the CLI) set it with :func:`using`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple

from confdrift.errors import LimitError

__all__ = ["Limits", "active", "add_chain", "chain_text", "exceeded", "using"]

class Limits(NamedTuple):
    """Safety limits on untrusted input; exceeding one is a ``LimitError``.

    Set in ``[tool.confdrift.limits]`` with dashes (``max-value-size = 4194304``).
    """

    #: Characters in one variable's value, stored or expanded.
    max_value_size: int = 1 << 20
    #: Variables one expansion may go through (``A`` -> ``${B}`` -> ``${C}``...).
    max_expansion_depth: int = 100
    #: Nested include/require levels.
    max_include_depth: int = 50
    #: Bytes of one file.
    max_file_size: int = 16 << 20
    #: Characters of one logical line (continuations joined).
    max_line_length: int = 1 << 20
    #: Characters one load may store and expand in total: bounds the time and memory of
    #: configurations that grow a value step by step (``A .= "x"`` a million times).
    max_total_size: int = 256 << 20
    #: Statements one load evaluates, included files counted each time they are read (a
    #: whole poky build evaluates about 10,000).
    max_statements: int = 100_000


# Limits is a frozen dataclass, so sharing one default instance is safe.
_ACTIVE: ContextVar[Limits] = ContextVar("confdrift_limits", default=Limits())  # noqa: B039
#: A chain longer than this is shown by its ends: the middle says nothing new.
_CHAIN_SHOWN = 12


def active() -> Limits:
    """The limits of the current run (the documented defaults unless :func:`using` says)."""
    return _ACTIVE.get()


@contextmanager
def using(limits: Limits | None) -> Iterator[Limits]:
    """Make ``limits`` the active ones inside the ``with`` block (``None``: keep the current)."""
    if limits is None:
        yield active()
        return
    token = _ACTIVE.set(limits)
    try:
        yield limits
    finally:
        _ACTIVE.reset(token)


def exceeded(
    what: str,
    setting: str,
    *,
    filename: str | None = None,
    line: int | None = None,
    chain: Sequence[str] = (),
) -> LimitError:
    """A :class:`LimitError` saying what went over which setting, and how it got there.

    ``setting`` is the ``Limits`` field name; the message spells it as the configuration
    key a user would raise (``limits.max-value-size``).
    """
    value = getattr(active(), setting)
    key = setting.replace("_", "-")
    message = f"{what} (limit {value}; raise limits.{key} in [tool.confdrift.limits] if intended)"
    error = LimitError(message, filename, line)
    if chain:
        add_chain(error, chain)
    return error


def add_chain(error: LimitError, chain: Sequence[str]) -> None:
    """Record (and show) how the run got to the limit: the error is raised deep inside."""
    error.chain = tuple(chain)
    error.message += f"; chain: {chain_text(chain)}"
    error.args = (error.message,)


def chain_text(names: Sequence[str]) -> str:
    """``A -> B -> C``, with the middle of a very long chain elided."""
    if len(names) <= _CHAIN_SHOWN:
        return " -> ".join(names)
    half = _CHAIN_SHOWN // 2
    skipped = len(names) - 2 * half
    return " -> ".join([*names[:half], f"... ({skipped} more)", *names[-half:]])
