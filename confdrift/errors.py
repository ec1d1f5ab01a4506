"""confdrift's own error types: every failure a user can see is one of these.

Foreign exceptions (lark's, the OS's, UnicodeDecodeError) are converted at the edge
where they happen; only ``cli.py`` turns these into exit codes.
"""

from __future__ import annotations


class ConfdriftError(Exception):
    """Base class of every error confdrift reports to a user.

    ``filename``, ``line`` and ``column`` are 1-based and optional: an error about
    a whole file has no line, a usage error has no file.
    """

    def __init__(
        self,
        message: str,
        filename: str | None = None,
        line: int | None = None,
        column: int | None = None,
        *,
        reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.filename = filename
        self.line = line
        self.column = column
        #: A short, stable class of the problem (``trailing-comment``, ``old-override-syntax``…)
        #: for the rules that report it; ``None`` for a plain syntax error.
        self.reason = reason

    def location(self) -> str:
        """``file:line:column`` as far as it is known ('' when nothing is)."""
        parts = [self.filename or ""]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts) if self.filename or self.line is not None else ""

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message

    def __reduce__(self) -> tuple[object, ...]:
        # Errors cross process boundaries (``--jobs``): rebuild them with every attribute,
        # whatever the subclass's constructor takes.
        return (_restore, (type(self), self.args, self.__dict__.copy()))


def _restore(
    cls: type[ConfdriftError], args: tuple[object, ...], state: dict[str, object]
) -> ConfdriftError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class ParseError(ConfdriftError):
    """The input is something BitBake would refuse to read or evaluate."""


class InputError(ParseError):
    """The file cannot be read as BitBake text (missing, a directory, binary, not UTF-8)."""


class ExpansionError(ConfdriftError):
    """Expanding ``${...}`` failed as BitBake's expansion would fail (e.g. a self-reference)."""


class LimitError(ConfdriftError):
    """A safety limit (value size, expansion depth, include depth, file size) was exceeded."""

    #: The variables (or files) whose expansion (or inclusion) led to the limit, outermost first.
    chain: tuple[str, ...] = ()


class UsageError(ConfdriftError):
    """Bad command-line arguments or confdrift configuration."""
