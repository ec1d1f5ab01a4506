"""CD0xx: input — what BitBake would refuse, or silently read otherwise than intended.

The parser and the resolver find these; the rules here turn them into findings at their
line, so that one typo is reported with everything else instead of hiding it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from confdrift.findings import Assign, Finding, Location, Severity
from confdrift.rules.registry import Rule, rule

if TYPE_CHECKING:
    from confdrift.build.view import ResolvedBuild
    from confdrift.datastore.history import HistoryEntry
    from confdrift.datastore.includes import MissingInclude
    from confdrift.errors import ParseError
    from confdrift.rules.base import RuleContext
    from confdrift.syntax.nodes import ParsedFile, Statement

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

def _views(ctx: RuleContext) -> Iterator[tuple[str, ResolvedBuild]]:
    yield "child", ctx.child
    if ctx.parent is not None:
        yield "parent", ctx.parent


def _prefix(side: str) -> str:
    """What starts a message about the parent's files (nothing for the child's)."""
    return "" if side == "child" else "in the parent: "


def _from_error(entry: Rule, side: str, error: ParseError, view: ResolvedBuild) -> Finding:
    where = Location(error.filename or "", error.line or 0, error.column or 0)
    prefix = _prefix(side)
    kept = _statement_at(view, error, recovered=True)
    variable = kept.name if kept is not None else None
    fix = (Assign(str(kept.name), str(kept.value), str(kept.op), quote='"')
           if kept is not None else None)
    if error.reason == "old-override-syntax":
        old = _statement_at(view, error, recovered=False)
        if old is not None:
            from confdrift.datastore.overrides import new_override_syntax

            fix = _rewritten(old, new_override_syntax(old.name or ""))
    return entry.finding_at(where, prefix + error.message, variable=variable, fix=fix)


def _statement_at(view: ResolvedBuild, error: ParseError, *, recovered: bool) -> Statement | None:
    """The assignment on the error's line: the one confdrift kept from the rejected line (a
    value before a comment) when ``recovered``, else the one the error is about."""
    from confdrift.syntax.nodes import Kind  # listing the rules needs no syntax tree

    for parsed in view.files:
        if parsed.filename != error.filename:
            continue
        for s in parsed.statements:
            wanted = s.recovered if recovered else s.kind is Kind.ASSIGN
            if wanted and s.span.line <= (error.line or 0) <= s.span.end_line:
                return s
    return None


def _rewritten(s: Statement, name: str) -> Assign:
    """Statement ``s`` written again under ``name``, keeping export, flag, operator and value."""
    return Assign(name, s.value or "", str(s.op), s.flag, s.exported)


def _errors(ctx: RuleContext, wanted: Rule) -> Iterator[Finding]:
    """The findings of ``wanted`` among the parser's errors (CD001: every error of no other
    rule)."""
    for side, view in _views(ctx):
        for error in view.errors:
            if _BY_REASON.get(error.reason or "", syntax_error) is wanted:
                yield _from_error(wanted, side, error, view)


@rule("CD001", "syntax-error", E, "A line BitBake's reader rejects")
def syntax_error(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports every line BitBake's configuration reader would stop on ("unparsed line"), with
    what is wrong and how to fix it: an indented line, unbalanced or mismatched quotes, an
    unquoted value, `inherit` in a `.conf` file, an empty variable name.

    ## Why it matters
    BitBake refuses to parse the whole configuration: the build never starts.

    ## How to fix
    Follow the message; BitBake's syntax is `NAME = "value"` with the value in quotes and
    comments on lines of their own, starting in column 1.
    """
    return _errors(ctx, syntax_error)


@rule("CD002", "comment-after-value", E,
      "A comment after a value: BitBake stops with 'unparsed line'")
def comment_after_value(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports `VAR = "value"  # comment`.

    ## Why it matters
    BitBake has no trailing comments: the line is an "unparsed line" and the build stops.
    (Worse, a comment that itself ends in a quote is silently swallowed into the value.)
    confdrift keeps the value for its other checks, so one typo does not hide the rest.

    ## How to fix
    Move the comment to its own line above the assignment.
    """
    return _errors(ctx, comment_after_value)


@rule("CD003", "old-override-syntax", E,
      "Old override syntax (VAR_append): current BitBake refuses it")
def old_override_syntax(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports assignments whose name contains `_append`, `_prepend` or `_remove`.

    ## Why it matters
    Since the 2021 syntax change BitBake stops with "contains an operation using the old
    override syntax".

    ## How to fix
    Write `VAR:append`, `VAR:prepend`, `VAR:remove` (and `:pn-foo` for `_pn-foo`).
    """
    return _errors(ctx, old_override_syntax)


@rule("CD004", "renamed-variable", E, "A variable that BitBake knows was renamed")
def renamed_variable(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports settings of renamed variables (`BB_ENV_EXTRAWHITE`, `LICENSE_FLAGS_WHITELIST`,
    `BB_HASHBASE_WHITELIST`… and every `BB_RENAMED_VARIABLES` entry of the release in use).

    ## Why it matters
    BitBake logs "Variable OLD has been renamed to NEW" and refuses the configuration.

    ## How to fix
    Use the new name.
    """
    kb = ctx.knowledge
    if kb is None:
        return
    for side, view in _views(ctx):
        release = view.release if view.release in kb.releases else kb.releases[-1]
        for parsed, s in _user_assignments(view):
            new = kb.renamed(s.name or "", release)
            if new is None:
                continue
            renamed = " " not in new
            text = f"is renamed to {new}" if renamed else new
            prefix = _prefix(side)
            old, colon, rest = (s.name or "").partition(":")
            # A removal message names no replacement: there is no line to write instead.
            fix = _rewritten(s, new + colon + rest) if renamed else None
            yield renamed_variable.finding_at(
                Location(parsed.filename, s.span.line),
                f"{prefix}{old} {text} ({release}); BitBake refuses the configuration",
                variable=s.name, fix=fix)


def _user_assignments(view: ResolvedBuild) -> Iterator[tuple[ParsedFile, Statement]]:
    from confdrift.syntax.nodes import Kind

    for parsed in view.files:
        for s in parsed.statements:
            if s.kind is Kind.ASSIGN and s.name:
                yield parsed, s


#: Operators that add to the strong value only, so that a later ``?=`` default is lost.
_ADDING = frozenset({"+=", "=+", ".=", "=."})


@rule("CD006", "default-lost-by-append-operator", W,
      "VAR += in local.conf throws away the distro's or machine's default (use :append)")
def default_lost(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports `+=`, `=+`, `.=` and `=.` in the user's files on a variable that the
    configuration read later gives a `?=` default (DISTRO_FEATURES from the distro,
    MACHINE_FEATURES from the machine…) which then no longer applies. A later `+=` or
    `:append` (poky.conf's `INHERIT += "poky-sanity"`) still applies on top of the user's
    value, so `INHERIT += "own-mirrors"` in local.conf is fine and not reported.

    ## Why it matters
    `+=` creates a value in local.conf, so the distro's later `DISTRO_FEATURES ?= "…"` no
    longer applies: the build gets only the words local.conf added. `:append` is applied
    when the variable is read, on top of the default.

    ## Example
    `DISTRO_FEATURES += "systemd"` leaves DISTRO_FEATURES as " systemd".

    ## How to fix
    `DISTRO_FEATURES:append = " systemd"`.
    """
    view = ctx.child
    for parsed, s in _user_assignments(view):
        if s.op not in _ADDING or s.flag or ":" in (s.name or ""):
            continue
        lost = _defaults_lost_to(s, parsed.filename, view.config.history(s.name or ""),
                                 view.own_files)
        if lost:
            first = lost[0]
            yield default_lost.finding_at(
                Location(parsed.filename, s.span.line),
                f"{s.name} {s.op} in {parsed.filename} makes the later default "
                f"({first.file}:{first.line}) no longer apply; use :append",
                variable=s.name, fix=Assign(f"{s.name}:append", _spaced(s), quote='"'))


def _defaults_lost_to(s: Statement, filename: str, history: Sequence[HistoryEntry],
                      own: frozenset[str]) -> list[HistoryEntry]:
    """The defaults that no longer apply because ``s`` (a ``+=``…) created a strong value.

    Only a ``?=`` read after ``s`` (or a ``??=`` anywhere: ``+=`` does not build on a weak
    default) can be lost to it, and only one that would have given the variable words: a
    release profile models a later ``+=`` (poky.conf's ``INHERIT += "poky-sanity"``) as an
    empty ``?=`` plus an ``:append``, and that ``:append`` still applies. Nothing is lost to
    ``s`` either when another file's value already stood before it, or when a later ``=``
    replaces ``s`` itself.
    """
    steps = [h for h in history if not h.flag and h.variable == s.name]
    mine = [i for i, h in enumerate(steps)
            if h.file == filename and h.line == s.span.line and h.op == s.op]
    # Not found (a file the history names otherwise): judge every default, as if s came first.
    at = mine[0] if mine else -1
    if at >= 0 and not steps[at].changed_final:
        return []
    for h in steps[:max(at, 0)]:
        if h.changed_final and h.op != "??=" and (h.file not in own or h.op not in _ADDING):
            return []
    return [h for i, h in enumerate(steps)
            if h.op in ("?=", "??=") and not h.changed_final and h.file not in own
            and (h.value or "").strip() and (i > at or h.op == "??=")]


def _spaced(s: Statement) -> str:
    value = s.value or ""
    return value if value.startswith(" ") or s.op in (".=", "=.") else " " + value


@rule("CD005", "missing-required-file", E, "A `require` names a file that does not exist")
def missing_required(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports `require` statements whose file is found neither next to the including file nor
    along `BBPATH`.

    ## Why it matters
    BitBake stops with "Could not include required file".

    ## How to fix
    Fix the path, or use `include` if the file is optional.
    """
    return _errors(ctx, missing_required)


#: Operators whose value a user means to be the variable's (a weak ``??=`` may lose).
_MEANT = frozenset({"=", "?=", ":="})


@rule("CD007", "assignment-overridden", W,
      "A value the user's file sets is replaced by a configuration file read later")
def assignment_overridden(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports an assignment in the user's own files (local.conf, site.conf, auto.conf) whose
    value never reaches the build because a file BitBake reads later — the distro or
    machine configuration, a fragment, a release default — assigns the variable again.

    ## Why it matters
    The line looks like it configures the build, but it does nothing: poky.conf's
    `TARGET_VENDOR = "-poky"` replaces a local.conf `TARGET_VENDOR`, and a fragment's `=`
    replaces local.conf's `BB_HASHSERVE_UPSTREAM`. Drift checks compare what the build
    really gets, so such a line hides nothing from confdrift, but it misleads its reader.

    ## How to fix
    Remove the line, or set the variable where it takes effect (a `:forcevariable`
    override, or the distro configuration).
    """
    view = ctx.child
    own = view.own_files
    for name in sorted({s.name for _, s in _user_assignments(view)
                        if s.name and ":" not in s.name and s.flag is None}):
        history = [h for h in view.config.history(name) if not h.flag and h.variable == name]
        mine = [i for i, h in enumerate(history) if h.file in own and h.op in _MEANT]
        if not mine or history[mine[-1]].changed_final:
            continue
        step = history[mine[-1]]
        later = [h for h in history[mine[-1] + 1:] if h.file not in own and h.changed_final
                 and h.value != step.value]
        if later:
            winner = later[-1]
            where = f"{winner.file}:{winner.line}" if winner.line else winner.file
            yield assignment_overridden.finding_at(
                Location(step.file, step.line),
                f"{name} {step.op} in {step.file}:{step.line} has no effect: "
                f"{where} assigns it later ({winner.op} {winner.value!r})", variable=name)


@rule("CD008", "release-unknown", W,
      "No release is known, so the release's defaults are not applied")
def release_unknown(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports a build whose layers are not on disk when confdrift was not told its release
    (`--release`, or `release` in the configuration) and could not infer it.

    ## Why it matters
    Much of a build's configuration comes from its release, not its local.conf: poky's
    `PACKAGE_CLASSES ?= "package_rpm"`, the distro features, the machine's tune. Without
    the release, a variable one side leaves to these defaults is compared as unset, and
    drift such as the story's `package_ipk` against poky's `package_rpm` can go unseen.

    ## How to fix
    Pass `--release NAME` (kirkstone, scarthgap, styhead, walnascar, whinlatter, wrynose,
    master), set `release` in `.confdrift.toml`, or point confdrift at a build directory
    whose `bblayers.conf` layers exist.
    """
    for side, view in _views(ctx):
        if view.release is None and not view.full_chain:
            yield release_unknown.finding_at(
                _label_location(view),
                f"{_whose(side, view)}: the release is unknown, so its defaults "
                "(bitbake.conf, the distro and machine configuration) are not "
                "applied; pass --release NAME")


@rule("CD009", "release-inferred", INFO,
      "The release was inferred from hints, not given or read from the layers")
def release_inferred(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Says which release confdrift assumed for a build whose layers are not on disk, and
    why: the layer paths its `bblayers.conf` names (`/srv/poky-scarthgap/meta`) or the
    branches of its kas repositories.

    ## Why it matters
    The release's defaults decide many compared values; a wrong guess shows as drift.

    ## How to fix
    Nothing, if the release is right; otherwise pass `--release NAME` or set `release` in
    `.confdrift.toml`.
    """
    for side, view in _views(ctx):
        if view.release_hint and not view.full_chain:
            yield release_inferred.finding_at(
                _label_location(view),
                f"{_whose(side, view)}: release {view.release} assumed from "
                f"{view.release_hint}; pass --release NAME to choose")


@rule("CD011", "release-profile-gap", W,
      "The release profile has no measurement for this DISTRO or MACHINE")
def release_profile_gap(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports a build checked without its layers whose `DISTRO` or `MACHINE` the built-in
    release profile does not cover (it covers poky, poky-altcfg, poky-tiny and nodistro,
    and the machines qemux86-64, qemuarm64 and qemux86).

    ## Why it matters
    A machine's tune and features, or a distro's own settings, decide many compared
    values. For an unmeasured machine confdrift leaves those values unknown rather than
    guess; for an unmeasured distro nodistro's defaults stand in. Drift in them can be
    missed or reported wrongly.

    ## How to fix
    Point confdrift at a build directory whose `bblayers.conf` layers exist (or pass
    `--layers`): the full chain knows every machine and distro.
    """
    for side, view in _views(ctx):
        if view.full_chain:
            continue
        for gap in view.profile_gaps:
            yield release_profile_gap.finding_at(
                _label_location(view),
                f"{_whose(side, view)}: the {view.release} release profile does not "
                f"cover {gap}; load the build with its layers for exact values")


def _whose(side: str, view: ResolvedBuild) -> str:
    return view.label if side == "child" else f"in the parent ({view.label})"


def _label_location(view: ResolvedBuild) -> Location:
    return Location(view.local_conf or view.label, 0)


@rule("CD010", "include-not-found", INFO, "An `include` in the user's files finds no file")
def include_not_found(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Reports an `include` (or an `include_all` entry) in local.conf, site.conf or auto.conf
    that finds no file next to the including file or along `BBPATH`.

    ## Why it matters
    BitBake skips a missing `include` without a word, so a misspelt path silently drops
    every setting the file was meant to add. (A missing `require` is an error: CD005.)

    ## How to fix
    Fix the path, or use `require` so that BitBake stops when the file is missing. When
    confdrift runs without the build's layers, files that live in those layers cannot be
    found: point confdrift at the layers to check such an include.
    """
    for side, view in _views(ctx):
        # Only a loaded configuration has them (tests hand rules plain stand-ins).
        missing_includes: Sequence[MissingInclude] = getattr(view.config, "missing_includes", ())
        for missing in missing_includes:
            if missing.file not in view.own_files:
                continue
            where = "" if view.full_chain or missing.reason != "not found" else \
                " (the layers are not on disk here)"
            prefix = _prefix(side)
            yield include_not_found.finding_at(
                Location(missing.file, missing.line),
                f"{prefix}include {missing.name}: {missing.reason}{where}; BitBake "
                "skips a missing include silently")


#: ParseError.reason values and the rule each one belongs to (every other error: CD001).
_BY_REASON: dict[str, Rule] = {
    "trailing-comment": comment_after_value,
    "old-override-syntax": old_override_syntax,
    "missing-require": missing_required,
}
