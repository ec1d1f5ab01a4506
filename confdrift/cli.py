"""The command line: parse arguments, call the library, write a string, choose the exit code.

A thin shell: every decision lives elsewhere (settings in config.py, findings in the
engine, output in report/, exit codes in exitcodes.py). Heavy imports (rich, the engine)
happen inside the commands so that ``confdrift --version`` starts fast.
"""

import contextlib
import gc
import os
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

import typer

from confdrift import __version__
from confdrift.check.exitcodes import ExitCode
from confdrift.errors import ConfdriftError, UsageError
from confdrift.findings import Finding, Severity
from confdrift.report import OutputFormat

if TYPE_CHECKING:
    from confdrift.check.settings import Settings
    from confdrift.limits import Limits

app = typer.Typer(
    name="confdrift",
    help="Find BitBake configuration drift that breaks sstate and hash-equivalence reuse.",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_REPORT_HINT = (
    "This is a bug in confdrift. Please report it with the command you ran "
    "(add --debug for the traceback)."
)
#: More configurations than this on a terminal get a progress bar.
_PROGRESS_THRESHOLD = 4


def main() -> None:
    """The ``confdrift`` console script."""
    if sys.argv[1:] == ["--version"]:
        # What `--version` prints, without typer building every command's options first
        # (a hook that checks the installed version pays only the imports).
        typer.echo(f"confdrift {__version__}")
        return
    # What exists by now (typer, the modules imported) lives as long as the process:
    # keep the collector from scanning them again on every full collection.
    gc.freeze()
    app()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"confdrift {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Find BitBake configuration drift that breaks sstate and hash-equivalence reuse.

    \b
    Example:
      confdrift check build/conf/local.conf --parent ../parent/conf/local.conf
    """


def _run(debug: bool, body: Callable[[], int]) -> None:
    """Run a command body and map what it raises to the exit-code contract."""
    try:
        code = body()
    except ConfdriftError as exc:
        typer.echo(f"confdrift: error: {exc}", err=True)
        code = ExitCode.USAGE
    except KeyboardInterrupt:
        typer.echo("confdrift: interrupted", err=True)
        code = 130
    except Exception as exc:
        if debug:
            traceback.print_exc()
        typer.echo(f"confdrift: internal error: {type(exc).__name__}: {exc}", err=True)
        typer.echo(_REPORT_HINT, err=True)
        code = ExitCode.INTERNAL
    raise typer.Exit(int(code))


def _silence_stdout() -> None:
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


# The commands' arguments travel as NamedTuples: a frozen dataclass costs ~0.7 ms to
# build at import, every start pays it, and these are only read by attribute.
class _CheckArgs(NamedTuple):
    children: tuple[str, ...]
    cli: Mapping[str, object]
    select: list[str] | None
    ignore: list[str] | None
    config: Path | None
    fmt: OutputFormat
    output: Path | None
    fix: bool
    diff: bool
    verbose: bool
    jobs: int = 1


_Release = Annotated[
    str | None,
    typer.Option(metavar="NAME", help="Yocto release (scarthgap, …) for release defaults."),
]
_Layers = Annotated[
    list[Path] | None, typer.Option(metavar="DIR", help="A layer directory (repeatable).")
]
_Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")]
_Verbose = Annotated[
    bool, typer.Option("--verbose", "-v", help="Also list the includes that found no file.")
]
_Codes = Annotated[
    list[str] | None,
    typer.Option(metavar="CODES", help="Codes, prefixes or rule names; repeat or comma-separate."),
]


@app.command()
def check(
    children: Annotated[
        list[Path],
        typer.Argument(metavar="CHILD...",
                       help="The child builds: build directories, .conf files or kas files."),
    ],
    parent: Annotated[
        str | None,
        typer.Option(metavar="PARENT", help="The parent build's local.conf or build directory."),
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = (
        OutputFormat.TEXT
    ),
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the report to FILE."),
    ] = None,
    fail_on: Annotated[
        Severity | None, typer.Option(help="Exit 1 on findings at or above this severity.")
    ] = None,
    select: _Codes = None,
    ignore: _Codes = None,
    release: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Yocto release of the parent, e.g. scarthgap."),
    ] = None,
    layers: Annotated[
        list[Path] | None, typer.Option(metavar="DIR", help="A layer directory (repeatable).")
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Use this configuration file instead of searching."),
    ] = None,
    fix: Annotated[
        bool,
        typer.Option("--fix", help="Rewrite drifting assignments in the child; keeps FILE.orig."),
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Print what --fix would change, instead of the report.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Say more.")] = False,
    probe: Annotated[
        bool,
        typer.Option("--probe", help="Also connect to the hash server and sstate mirror the "
                     "child is wired to (network; off by default, never in pre-commit)."),
    ] = False,
    jobs: Annotated[
        int,
        typer.Option("--jobs", "-j", min=1, metavar="N",
                     help="Check the children in N processes (same output as one)."),
    ] = 1,
    debug: _Debug = False,
) -> None:
    """Compare child configurations with their parent and report drift.

    \b
    Example:
      confdrift check conf/local.conf --parent ../parent/conf/local.conf --format sarif

    Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or input error,
    3 internal error.
    """
    cli = {
        "parent": parent,
        "release": release,
        "layers": tuple(str(p) for p in layers) if layers else None,
        "fail_on": fail_on,
        "probe": probe or None,
    }
    from confdrift.build.inputs import same_builds

    # pre-commit passes conf/local.conf and conf/bblayers.conf of one build: check it once.
    names = tuple(same_builds([str(c) for c in children]))
    args = _CheckArgs(names, cli, select, ignore, config, fmt, output, fix, diff, verbose, jobs)
    _run(debug, lambda: _check(args))


def _code_list(values: Sequence[str] | None) -> tuple[str, ...] | None:
    if values is None:
        return None
    from confdrift.check.settings import normalize_code

    return tuple(normalize_code(v) for item in values for v in item.split(",") if v.strip())


def _check(args: _CheckArgs) -> int:
    from confdrift.check.exitcodes import for_findings
    from confdrift.check.settings import load_settings

    cli = {**args.cli, "select": _code_list(args.select), "ignore": _code_list(args.ignore)}
    settings = load_settings(cli, config=args.config)
    if args.verbose:
        typer.echo(f"confdrift: configuration: {settings.config_file or 'none'}", err=True)
    # The engine applies the settings and suppressions (CD901 included): nothing to filter.
    findings = _engine_check(args.children, settings, args.jobs)
    if args.diff:
        _write(_fix_diff(args.children, findings), args.output)
        return for_findings(findings, settings.fail_on)
    if args.fix:
        findings = _fix(args.children, findings)
    _emit(args, findings)
    return for_findings(findings, settings.fail_on)


def _engine_check(children: Sequence[str], settings: "Settings", jobs: int = 1) -> list[Finding]:
    from confdrift.check import parallel

    if len(children) <= _PROGRESS_THRESHOLD or not sys.stderr.isatty():
        return parallel.check_builds(list(children), settings.parent, settings, jobs)
    from confdrift.report.text import status

    with status(f"Checking {len(children)} configurations"):
        return parallel.check_builds(list(children), settings.parent, settings, jobs)


def _emit(args: _CheckArgs, findings: Sequence[Finding]) -> None:
    from confdrift.report import ReportContext, render

    to_terminal = args.output is None and args.fmt is OutputFormat.TEXT
    context = ReportContext(
        root=Path.cwd(),
        files=args.children,
        color=to_terminal and _color(sys.stdout),
        width=_width(),
    )
    _write(render(args.fmt, findings, context=context), args.output)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            # The reader went away (`confdrift show ... | head`): nothing left to tell it.
            _silence_stdout()
        except OSError as exc:
            # Standard output itself failed (a full disk): the environment, not a bug.
            raise UsageError(f"cannot write to standard output: {exc.strerror or exc}") from exc
        return
    from confdrift.atomic import write_atomic

    write_atomic(output, text)


def _color(stream: object) -> bool:
    from confdrift.report.text import use_color

    isatty = getattr(stream, "isatty", None)
    return use_color(bool(isatty and isatty()), os.environ)


def _width() -> int:
    import shutil

    return max(60, shutil.get_terminal_size((100, 24)).columns)


def _fix(children: Sequence[str], findings: Sequence[Finding]) -> list[Finding]:
    from confdrift.check.fix import fix_files

    remaining, written = fix_files(children, findings)
    for path, count, backup in written:
        typer.echo(f"confdrift: fixed {count} in {path} (backup: {backup})", err=True)
    return remaining


def _fix_diff(children: Sequence[str], findings: Sequence[Finding]) -> str:
    from confdrift.check.fix import diff_files

    return diff_files(children, findings)


class ShowFormat(str, Enum):
    """Output formats of ``confdrift show``."""

    TEXT = "text"
    JSON = "json"


@app.command()
def show(
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE", help="The .conf files to read, in order.")
    ],
    var: Annotated[
        list[str] | None, typer.Option(metavar="NAME", help="Only this variable (repeatable).")
    ] = None,
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ShowFormat.TEXT
    ),
    release: _Release = None,
    layers: _Layers = None,
    verbose: _Verbose = False,
    debug: _Debug = False,
) -> None:
    """Print the resolved variables of a configuration, as BitBake would see them.

    FILE is one or more .conf files read in order, or one build directory or kas file
    (resolved with its layers, or the release's defaults when they are absent).

    \b
    Examples:
      confdrift show conf/local.conf --var MACHINE --var SRC_URI[sha256sum]
      confdrift show build/ --var PACKAGE_CLASSES --release scarthgap
    """
    paths = [str(f) for f in files]
    build = _BuildArgs(release, tuple(str(p) for p in layers) if layers else None, verbose)
    _run(debug, lambda: _show(paths, var or [], fmt, build))


class _BuildArgs(NamedTuple):
    release: str | None
    layers: tuple[str, ...] | None
    verbose: bool = False


def _load(paths: list[str], build: _BuildArgs) -> Any:
    import confdrift

    config = confdrift.load(paths, limits=_limits(), release=build.release,
                            layers=build.layers)
    if build.verbose:
        for missing in config.missing_includes:
            # BitBake skips a missing include without a word; --verbose says which.
            typer.echo(f"confdrift: {missing.file}:{missing.line}: include {missing.name}: "
                       f"{missing.reason}, skipped as BitBake does", err=True)
    return config


def _show(paths: list[str], names: list[str], fmt: ShowFormat, build: _BuildArgs) -> int:
    from confdrift.views import show as views

    resolved = _load(paths, build)
    shown = views.collect(resolved, names)
    if fmt is ShowFormat.JSON:
        _write(views.show_json(paths, shown), None)
    else:
        _write(views.show_text(shown, with_history=bool(names)), None)
    return ExitCode.OK


@app.command()
def explain(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="A rule code or name, or a variable name.")
    ],
    files: Annotated[
        list[Path] | None,
        typer.Argument(metavar="FILE", help="The .conf files (to explain a variable)."),
    ] = None,
    release: _Release = None,
    layers: _Layers = None,
    verbose: _Verbose = False,
    debug: _Debug = False,
) -> None:
    """Print a rule's documentation, or where a variable's value comes from.

    \b
    Examples:
      confdrift explain CD101
      confdrift explain PACKAGE_CLASSES conf/local.conf
    """
    paths = [str(f) for f in files or []]
    build = _BuildArgs(release, tuple(str(p) for p in layers) if layers else None, verbose)
    _run(debug, lambda: _explain(name, paths, build))


def _explain(name: str, paths: list[str], build: _BuildArgs) -> int:
    from confdrift.views import show as views

    if not paths:
        from confdrift.rules import lookup

        rule = lookup(name)
        if rule is None:
            raise UsageError(f"no rule {name!r}; to explain a variable, give the .conf files")
        _write(views.explain_rule(rule), None)
        return ExitCode.OK
    (view,) = views.collect(_load(paths, build), [name])
    _write(views.explain_variable(view), None)
    return ExitCode.OK


def _limits() -> "Limits":
    """The configured safety limits (``[tool.confdrift.limits]``), for show and explain."""
    from confdrift.check.settings import load_settings

    return load_settings().limits


@app.command("rules")
def list_rules() -> None:
    """List every rule: code, name, default severity and what it finds.

    \b
    Example:
      confdrift rules
    """
    _run(False, _rules)


def _rules() -> int:
    from confdrift.rules import all_rules
    from confdrift.views import show as views

    _write(views.rules_table(all_rules()), None)
    return ExitCode.OK
