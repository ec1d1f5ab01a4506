"""BitBake's own readers as a test oracle (the ``bb`` library of bitbake-setup 2.19.0).

Runs BitBake's configuration reader (ConfHandler) or recipe reader (BBHandler) on a
file WITHOUT evaluating it (so includes are not followed and nothing is expanded) and
returns its statements as plain tuples, or its rejection. confdrift never imports this.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .environment import missing

#: One statement as a comparable tuple: (kind, line, details...).
Row = tuple[Any, ...]


@dataclass(frozen=True)
class Rejection:
    """BitBake refused the file."""

    kind: str  #: "ParseError", "fatal" or the crash's exception type
    message: str
    line: int | None = None


@dataclass(frozen=True)
class Reading:
    """What BitBake's reader made of a file."""

    rows: tuple[Row, ...] = ()
    warnings: tuple[str, ...] = ()
    rejection: Rejection | None = None

    @property
    def accepted(self) -> bool:
        return self.rejection is None


@cache
def _bb() -> Any:
    """Import bb with the two modules it wants but the oracle never uses stubbed out."""
    for name in ("hashserv", "hashserv.client"):
        sys.modules.setdefault(name, types.ModuleType(name))
    import bb
    import bb.data
    import bb.parse
    import bb.parse.parse_py.BBHandler
    import bb.parse.parse_py.ConfHandler

    return bb


def bb_available() -> bool:
    try:
        _bb()
    except Exception:
        return False
    return True


def require_bb() -> None:
    __tracebackhide__ = True  # pytest reports the skip at the caller
    if not bb_available():
        missing("BitBake's bb library is not importable")


class BitBakeLog(logging.Handler):
    """Everything BitBake logs while it is attached (see :func:`captured_bitbake_log`)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @property
    def messages(self) -> list[str]:
        """The warnings and errors, as text (BitBake's fatal messages among them)."""
        return [r.getMessage() for r in self.records if r.levelno >= logging.WARNING]


@contextmanager
def captured_bitbake_log() -> Iterator[BitBakeLog]:
    """Collect BitBake's log instead of printing it (shared by the oracle modules)."""
    handler = BitBakeLog()
    root = logging.getLogger("BitBake")
    old_level, old_propagate = root.level, root.propagate
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    root.propagate = False
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        root.propagate = old_propagate


@contextmanager
def _no_eval() -> Iterator[list[Any]]:
    """Make StatementGroup.eval record the statements instead of running them."""
    ast = _bb().parse.ast
    seen: list[Any] = []
    original = ast.StatementGroup.eval
    ast.StatementGroup.eval = lambda self, data: seen.extend(self)
    try:
        yield seen
    finally:
        ast.StatementGroup.eval = original


def read(path: str | os.PathLike[str], *, base_config: bool = False) -> Reading:
    """BitBake's reading of ``path``: ``.inc`` with the recipe reader, others as ``.conf``."""
    name = os.fspath(path)
    if name.endswith((".inc", ".bb", ".bbclass")):
        return _read_recipe(os.path.abspath(name))
    if name.endswith(".conf"):
        return _read_conf(os.path.abspath(name), base_config)
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "copy.conf")
        shutil.copyfile(name, copy)
        return _read_conf(copy, base_config)


def read_text(text: str, name: str = "t.conf", *, base_config: bool = False) -> Reading:
    """BitBake's reading of ``text`` written to a file called ``name``."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(text.encode("utf-8"))
        return read(path, base_config=base_config)


def _read_conf(path: str, base_config: bool) -> Reading:
    bb = _bb()
    data = bb.data.init()
    with captured_bitbake_log() as log, _no_eval() as seen:
        try:
            bb.parse.parse_py.ConfHandler.handle(path, data, 0, baseconfig=base_config)
        except BaseException as exc:  # bb.fatal raises BBHandledException (a BaseException)
            return Reading(rejection=_rejection(exc, log))
    return Reading(tuple(_row(node) for node in seen), _warnings(log))


def _read_recipe(path: str) -> Reading:
    bb = _bb()
    handler = bb.parse.parse_py.BBHandler
    # The recipe reader keeps its state in module globals; start from a clean slate.
    for attr, value in (("__infunc__", []), ("__inpython__", False), ("__body__", []),
                        ("__residue__", []), ("__classname__", "")):
        setattr(handler, attr, value)
    handler.cached_statements.clear()
    with captured_bitbake_log() as log:
        try:
            group = handler.get_statements(path, path, os.path.basename(path))
            if handler.__infunc__:
                raise bb.parse.ParseError("Shell function is never closed", path, 0)
        except BaseException as exc:
            return Reading(rejection=_rejection(exc, log))
    return Reading(tuple(_row(node) for node in group), _warnings(log))


def _rejection(exc: BaseException, log: BitBakeLog) -> Rejection:
    bb = _bb()
    if isinstance(exc, bb.parse.ParseError):
        return Rejection("ParseError", exc.msg, exc.lineno)
    if isinstance(exc, bb.BBHandledException):
        fatal = [r.getMessage() for r in log.records if r.levelno >= logging.ERROR]
        return Rejection("fatal", fatal[-1] if fatal else str(exc))
    if isinstance(exc, KeyboardInterrupt | SystemExit):
        raise exc
    return Rejection(type(exc).__name__, str(exc))


def _warnings(log: BitBakeLog) -> tuple[str, ...]:
    return tuple(r.getMessage() for r in log.records if r.levelno == logging.WARNING)


_OPS = (("colon", ":="), ("lazyques", "??="), ("ques", "?="), ("append", "+="),
        ("prepend", "=+"), ("predot", "=."), ("postdot", ".="))


def _row(node: Any) -> Row:
    """One BitBake AST node as ``(kind, line, details...)``."""
    kind = type(node).__name__
    if kind == "DataNode":
        g = node.groupd
        op = next((sym for key, sym in _OPS if g.get(key) is not None), "=")
        return ("assign", node.lineno, g["var"], g.get("flag"), op, g["value"],
                g.get("exp") is not None)
    if kind == "PythonMethodNode":
        # BitBake numbers a def by the line that ended it; compare names and bodies only.
        return ("def", None, node.function, tuple(node.body))
    if kind == "InheritDeferredNode":
        return ("inherit_defer", node.lineno, node.inherit[0])
    if kind == "AddTaskNode":
        return ("addtask", node.lineno, node.tasks.strip())
    simple = _SIMPLE.get(kind)
    if simple is None:
        return (kind, node.lineno)
    return (simple[0], node.lineno, *(_attr(node, a) for a in simple[1]))


def _attr(node: Any, name: str) -> Any:
    value = getattr(node, name)
    return tuple(value) if isinstance(value, list) else value


_SIMPLE: dict[str, tuple[str, tuple[str, ...]]] = {
    "IncludeNode": ("include", ("what_file", "force")),
    "IncludeAllNode": ("include_all", ("what_file",)),
    "ExportNode": ("export", ("var",)),
    "UnsetNode": ("unset", ("var",)),
    "UnsetFlagNode": ("unset_flag", ("var", "flag")),
    "PyLibNode": ("addpylib", ("libdir", "namespace")),
    "AddFragmentsNode": ("addfragments", ("fragments_path_prefix", "fragments_variable",
                                          "flagged_variables_list_variable",
                                          "builtin_fragments_variable")),
    "MethodNode": ("function", ("func_name", "body", "python", "fakeroot")),
    "ExportFuncsNode": ("export_functions", ("n",)),
    "DelTaskNode": ("deltask", ("tasks",)),
    "BBHandlerNode": ("addhandler", ("hs",)),
    "InheritNode": ("inherit", ("classes",)),
}


def rows_of(parsed: Any) -> tuple[Row, ...]:
    """confdrift's :class:`~confdrift.syntax.nodes.ParsedFile` in the oracle's row format."""
    return tuple(_confdrift_row(s) for s in parsed.statements)


def _confdrift_row(s: Any) -> Row:
    kind, line = s.kind.value, s.span.end_line
    if kind == "assign":
        return ("assign", line, s.name, s.flag, s.op, s.value, s.exported)
    if kind in ("include", "require"):
        return ("include", line, s.value, kind == "require")
    if kind == "unset":
        return ("unset", line, s.name) if s.flag is None else ("unset_flag", line, s.name, s.flag)
    if kind == "function":
        body = tuple(s.value.split("\n"))
        return ("function", line, s.name, body, "python" in s.args, "fakeroot" in s.args)
    if kind == "def":
        return ("def", None, s.name, tuple(s.value.split("\n")))
    if kind == "addtask":
        # BitBake keeps the task list: the text before " before " / " after ".
        return ("addtask", line, s.value.split(" before ")[0].split(" after ")[0].strip())
    return _DIRECTIVE_ROWS[kind](s, line)


_DIRECTIVE_ROWS: dict[str, Any] = {
    "include_all": lambda s, line: ("include_all", line, s.value),
    "export": lambda s, line: ("export", line, s.name),
    "addpylib": lambda s, line: ("addpylib", line, *s.args),
    "addfragments": lambda s, line: ("addfragments", line, *s.args),
    "export_functions": lambda s, line: ("export_functions", line, s.args),
    "deltask": lambda s, line: ("deltask", line, s.value),
    "addhandler": lambda s, line: ("addhandler", line, s.args),
    "inherit": lambda s, line: ("inherit", line, s.value),
    "inherit_defer": lambda s, line: ("inherit_defer", line, s.value),
}


def statements_only(paths: list[str], base_config: list[bool]) -> int:
    """BitBake's reader alone on many files (for benchmarks): no logging capture, no rows.

    ``.conf`` paths go to the configuration reader, ``.inc`` to the recipe reader;
    returns the number of statements read. Rejections propagate.
    """
    bb = _bb()
    conf, recipe = bb.parse.parse_py.ConfHandler, bb.parse.parse_py.BBHandler
    count = 0
    with _no_eval() as seen:
        for path, base in zip(paths, base_config, strict=True):
            if path.endswith(".inc"):
                for attr in ("__infunc__", "__body__", "__residue__"):
                    setattr(recipe, attr, [])
                recipe.__inpython__ = False
                recipe.cached_statements.clear()
                count += len(recipe.get_statements(path, path, os.path.basename(path)))
            else:
                conf.handle(path, bb.data.init(), 0, baseconfig=base)
    return count + len(seen)
