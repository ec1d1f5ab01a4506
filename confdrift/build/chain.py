"""One build -> its resolved configuration, the way BitBake's cooker assembles it.

With the layers on disk this is the full chain (§9 of the semantics spec): bblayers.conf,
each layer's conf/layer.conf with ``LAYERDIR`` baked into the values that mention it, then
``conf/bitbake.conf`` found along BBPATH with everything it includes (site.conf, auto.conf,
toolcfg.conf, local.conf, fragments, machine, distro, defaultsetup.conf...), stopping before
the ``INHERIT`` classes. Without them (the usual pre-commit case: only local.conf) the
release profile stands in for the layers: its statements are evaluated around local.conf,
each labelled ``release default, <release>, <file>`` in the history.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from confdrift import limits as limits_in_force
from confdrift.build import profiles, release_hint
from confdrift.build.inputs import BBLAYERS_CONF, LOCAL_CONF, BuildInput, classify
from confdrift.datastore.evaluate import Evaluator
from confdrift.datastore.history import Step
from confdrift.datastore.includes import which
from confdrift.datastore.resolved import ResolvedConfig
from confdrift.datastore.varstore import VarStore
from confdrift.errors import InputError
from confdrift.limits import Limits
from confdrift.syntax import releases as table
from confdrift.syntax.nodes import Kind, ParsedFile, Span, Statement

PathLike = str | os.PathLike[str]
_CORENAMES = re.compile(r'^LAYERSERIES_CORENAMES\s*\??=\s*"([^"]*)"', re.MULTILINE)
_COMPAT = re.compile(r'^LAYERSERIES_COMPAT_\S+\s*\??=\s*"([^"]*)"', re.MULTILINE)
#: Where values set by the loader itself (not by a file) come from, in the history.
COOKER = "<bitbake cooker>"


class LoadInfo(NamedTuple):
    """How a build was loaded: which release, and whether its layers were read."""

    release: str | None
    full_chain: bool
    layers: tuple[str, ...] = ()
    #: The profile applied when the layers were absent ("" when none was).
    distro: str = ""
    machine: str = ""
    init_manager: str | None = None
    #: How the release was inferred from hints (layer paths, kas branches), for the user;
    #: "" when it was given, read from the layers, or not found.
    inferred_from: str = ""
    #: What the release profile could not stand for (an unmeasured DISTRO or MACHINE).
    profile_gaps: tuple[str, ...] = ()


def load_build(
    build: BuildInput | PathLike,
    *,
    release: str | None = None,
    layers: Sequence[PathLike] | None = None,
    limits: Limits | None = None,
) -> ResolvedConfig:
    """The resolved configuration of ``build`` (a BuildInput, build dir, conf file or kas file).

    ``release`` names the release when it cannot be detected (no layers); ``layers`` replaces
    the bblayers.conf layer list. Raises :class:`~confdrift.errors.ConfdriftError` subclasses
    for anything BitBake would reject.
    """
    return load_build_info(build, release=release, layers=layers, limits=limits)[0]


def load_build_info(
    build: BuildInput | PathLike,
    *,
    release: str | None = None,
    layers: Sequence[PathLike] | None = None,
    limits: Limits | None = None,
    own: OwnFiles | None = None,
) -> tuple[ResolvedConfig, LoadInfo]:
    """:func:`load_build`, also saying how the build was loaded (``limits``: see
    :mod:`confdrift.limits`; default: the limits in force). ``own`` gives the user's files
    already parsed, instead of reading them again."""
    with limits_in_force.using(limits):
        return _load_build_context(build, release, layers, own)


def _load_build_context(
    build: BuildInput | PathLike, release: str | None, layers: Sequence[PathLike] | None,
    own: OwnFiles | None,
) -> tuple[ResolvedConfig, LoadInfo]:
    inp = build if isinstance(build, BuildInput) else classify(Path(os.fspath(build)))
    named = _named_layers(inp, layers, release)
    if named and inp.local_conf is not None and all(os.path.isdir(p) for p in named):
        return _full_chain(inp, named, release, own, explicit=layers is not None)
    # Some layers missing: any core layer that is there still tells the release.
    present = [p for p in named if os.path.isdir(p)]
    release = release or detect_release(present)
    hint = None if release else release_hint.infer(inp, named)
    config, context = _with_profile(inp, hint.release if hint else release, own)
    if hint is not None:
        context = context._replace(inferred_from=hint.reason)
    return config, context


# --- parsing -----------------------------------------------------------------------------


class _Files:
    """The parser callable the evaluator needs, in one dialect, with kas's generated texts
    and the user's own files already parsed (see :data:`OwnFiles`)."""

    def __init__(self, version: str | None, virtual: dict[str, str] | None = None,
                 own: OwnFiles | None = None) -> None:
        self.version = version
        self.virtual = virtual or {}
        self.own = own
        #: Files the cooker reads directly (``addpylib`` is legal there and only there).
        self.base: set[str] = set()

    def __call__(self, path: str, top: bool) -> ParsedFile:
        from confdrift.syntax import memo
        from confdrift.syntax.parse import parse_source

        base = top or path in self.base
        given = self.own(path, self.version) if self.own is not None and not base else None
        if given is not None:
            return given
        if path in self.virtual:
            data = self.virtual[path].encode("utf-8")
            return parse_source(data, path, base_config=base, version=self.version)
        return memo.parse_file(path, base_config=base, version=self.version)


#: The user's own files, parsed once by the caller: ``(absolute path, BitBake version)`` ->
#: the statements to evaluate for that file, or ``None`` for a file that is not theirs.
OwnFiles = Callable[[str, "str | None"], "ParsedFile | None"]


def forget_parsed_files() -> None:
    """Empty the in-process memo of parsed files (benchmarks, long-running callers)."""
    from confdrift.syntax import memo

    memo.forget()


def _load_base(ev: Evaluator, path: str) -> None:
    """Read a base-configuration file as the cooker does: ``FILE`` is restored afterwards."""
    files = ev.parse
    if isinstance(files, _Files):
        files.base.add(path)
    ev.load_file(path)


def _preset(ev: Evaluator, name: str, value: str, source: str = COOKER) -> None:
    ev.set_var(name, value, Step(name, name, source, 0, "set", value, "content"))


class _Store(VarStore):
    """The datastore, tolerant of one thing real BitBake never meets.

    oe-core's layer.conf does ``BITBAKEPATH := "${@...bb.utils.which(...)}"`` and then pastes
    ``${BITBAKEPATH}`` into another ``${@...}``. BitBake has a plain string there; confdrift
    keeps the unevaluated expression, and pasting it into Python code would be a syntax
    error. Such code is left unevaluated (and reported so) instead.
    """

    def _run_python(self, code: str) -> str | None:
        if "${@" in code:
            self._note_unevaluated({f"${{@{code}}} contains an expression not evaluated"})
            return None
        return super()._run_python(code)


def _start(
    version: str | None, topdir: Path | None, virtual: dict[str, str] | None = None,
    own: OwnFiles | None = None,
) -> Evaluator:
    ev = Evaluator(_Store(), _Files(version, virtual, own))
    _preset(ev, "BB_CURRENT_MC", table.by_version(version).main_multiconfig_name)
    if topdir is not None:
        _preset(ev, "TOPDIR", str(topdir))
    return ev


# --- the full chain ----------------------------------------------------------------------


def _named_layers(
    inp: BuildInput, layers: Sequence[PathLike] | None, release: str | None
) -> list[str]:
    """The layer directories the build names (explicitly, in bblayers.conf or in kas)."""
    if layers is not None:
        found = [os.path.abspath(os.fspath(p)) for p in layers]
    elif inp.bblayers_conf is not None:
        found = _bblayers(inp, release)
    else:
        found = [str(p) for p in inp.layers]
    return [os.path.expanduser(p).rstrip("/") for p in found]


def _bblayers(inp: BuildInput, release: str | None) -> list[str]:
    version = profiles.bitbake_version(release)
    ev = _start(version, inp.topdir)
    assert inp.bblayers_conf is not None
    ev.load_file(str(inp.bblayers_conf), top=True)
    return (ev.store.get("BBLAYERS") or "").split()


def overlay(inp: BuildInput) -> dict[str, str]:
    """Texts read instead of files: kas's generated files, and any text that
    :attr:`BuildInput.generated` holds under an absolute path (a user's file with the lines
    BitBake rejects taken out, so that the rest can still be checked)."""
    texts: dict[str, str] = {}
    if inp.kind == "kas" and inp.topdir is not None and LOCAL_CONF in inp.generated:
        texts[str(inp.topdir / "conf" / LOCAL_CONF)] = inp.generated[LOCAL_CONF]
    texts.update((k, v) for k, v in inp.generated.items() if os.path.isabs(k))
    return texts


def detect_release(layer_dirs: Iterable[str]) -> str | None:
    """The release of a layer set, read from the layer.conf files without evaluating them.

    The core layer's LAYERSERIES_CORENAMES decides; without a core layer, the one release
    that every layer's LAYERSERIES_COMPAT names (none when they disagree or list several).
    """
    texts = [_layer_conf_text(layer) for layer in layer_dirs]
    for text in texts:
        match = _CORENAMES.search(text)
        if match:
            return profiles.release_for_corenames(match.group(1))
    known = set(profiles.known_releases())
    named = [set(found.split()) & known for text in texts for found in _COMPAT.findall(text)]
    common = set.intersection(*named) if named else set()
    return common.pop() if len(common) == 1 else None


def _layer_conf_text(layer: str) -> str:
    conf = Path(layer, "conf", "layer.conf")
    return conf.read_text(errors="replace") if conf.is_file() else ""


def _full_chain(
    inp: BuildInput, layer_dirs: list[str], release: str | None, own: OwnFiles | None, *,
    explicit: bool,
) -> tuple[ResolvedConfig, LoadInfo]:
    release = release or detect_release(layer_dirs)
    ev = _start(profiles.bitbake_version(release), inp.topdir, overlay(inp), own)
    if inp.bblayers_conf is not None:
        _load_base(ev, str(inp.bblayers_conf))
    if explicit or inp.bblayers_conf is None:
        _preset(ev, "BBLAYERS", " ".join(layer_dirs))
    if not ev.store.get("BBPATH") and inp.topdir is not None:
        _preset(ev, "BBPATH", str(inp.topdir))
    _read_layers(ev, layer_dirs)
    _preset(ev, "BB_CACHEDIR", "${TOPDIR}/cache")
    bitbake_conf = which(ev.store.get("BBPATH") or "", "conf/bitbake.conf")
    if bitbake_conf is None:
        raise InputError("conf/bitbake.conf not found along BBPATH", str(inp.path))
    _load_base(ev, bitbake_conf)
    context = LoadInfo(release, True, tuple(layer_dirs))
    return ResolvedConfig(ev), context


def _read_layers(ev: Evaluator, layer_dirs: list[str]) -> None:
    """Each layer.conf with LAYERDIR set and then baked, and the cooker's series bookkeeping."""
    series: list[str] = []
    compat: dict[str, str] = {}
    for layer in layer_dirs:
        conf = os.path.join(layer, "conf", "layer.conf")
        _preset(ev, "LAYERDIR", layer, conf)
        _preset(ev, "LAYERDIR_RE", re.escape(layer), conf)
        _load_base(ev, conf)
        _bake(ev, "LAYERDIR", conf)
        _bake(ev, "LAYERDIR_RE", conf)
        compat.update(_take_compat(ev))
        if not series:
            series = (ev.store.get("LAYERSERIES_CORENAMES") or "").split()
            if series:
                ev.store.delete("LAYERSERIES_CORENAMES")
    ev.store.delete("LAYERDIR_RE")
    ev.store.delete("LAYERDIR")
    for name, names in compat.items():
        _preset(ev, f"LAYERSERIES_COMPAT_{name}", names)
    _preset(ev, "LAYERSERIES_CORENAMES", " ".join(sorted(series)))


def _take_compat(ev: Evaluator) -> dict[str, str]:
    # The cooker collects each collection's compatibility list and re-sets it sorted later.
    found: dict[str, str] = {}
    for name in (ev.store.get("BBFILE_COLLECTIONS") or "").split():
        entry = ev.store.get(f"LAYERSERIES_COMPAT_{name}")
        if entry:
            found[name] = " ".join(sorted(set(entry.split())))
            ev.store.delete(f"LAYERSERIES_COMPAT_{name}")
    return found


def _bake(ev: Evaluator, variable: str, conf: str) -> None:
    """Replace ``${variable}`` by its value in every value that mentions it (§9.3).

    Like BitBake's ``expandVarref``, this stores the unexpanded value (overrides and appends
    applied) back outside parsing mode, which drops that variable's pending operations.
    """
    ref = "${" + variable + "}"
    value = ev.store.get(variable, expand=False) or ""
    for name in list(ev.store.records):
        current = ev.store.get(name, expand=False)
        if current and ref in current:
            baked = current.replace(ref, value)
            ev.store.replace_content(name, baked)
            ev.recorder.add(
                Step(name, name, conf, 0, "set", baked, "content", note="LAYERDIR baked")
            )


# --- a lone local.conf with a release profile -------------------------------------------


def _conf_files(inp: BuildInput, version: str | None) -> tuple[list[str], dict[str, str]]:
    """The build's own files in bitbake.conf's order, and kas's generated texts."""
    virtual = overlay(inp)
    if inp.kind == "kas" and inp.topdir is not None and LOCAL_CONF in inp.generated:
        return [str(inp.topdir / "conf" / LOCAL_CONF)], virtual
    files = [inp.site_conf, inp.auto_conf, inp.toolcfg_conf, inp.local_conf]
    if not table.by_version(version).reads_toolcfg_conf:
        files[2] = None
    return [str(p) for p in files if p is not None], virtual


def _with_profile(
    inp: BuildInput, release: str | None, own: OwnFiles | None
) -> tuple[ResolvedConfig, LoadInfo]:
    version = profiles.bitbake_version(release)
    files, virtual = _conf_files(inp, version)
    if not files:
        raise InputError("no local.conf to read", str(inp.path))
    if release is None:
        ev = _own_files(inp, files, virtual, None, own)
        return ResolvedConfig(ev), LoadInfo(None, False)
    scratch = _own_files(inp, files, virtual, version, own)
    distro = scratch.store.get("DISTRO") or profiles.DEFAULT_DISTRO
    machine = scratch.store.get("MACHINE") or profiles.NO_MACHINE
    profile = profiles.profile(release, distro, machine, scratch.store.get("INIT_MANAGER"))
    ev = _start(version, inp.topdir, virtual, own)
    _bbpath(ev, inp)
    _apply(ev, profile, "before")
    for path in files:
        ev.load_file(path)
    _apply(ev, profile, "after")
    context = LoadInfo(
        release, False, (), profile.distro, profile.machine, profile.init_manager,
        profile_gaps=profile.gaps,
    )
    return ResolvedConfig(ev), context


def _own_files(
    inp: BuildInput, files: list[str], virtual: dict[str, str], version: str | None,
    own: OwnFiles | None,
) -> Evaluator:
    ev = _start(version, inp.topdir, virtual, own)
    _bbpath(ev, inp)
    for path in files:
        ev.load_file(path)
    return ev


def _bbpath(ev: Evaluator, inp: BuildInput) -> None:
    # Without bblayers.conf, TOPDIR alone stands for BBPATH (what bblayers.conf sets first).
    if inp.topdir is not None:
        _preset(ev, "BBPATH", str(inp.topdir))


def _apply(ev: Evaluator, profile: profiles.Profile, phase: str) -> None:
    """Evaluate one phase of the profile as statements labelled with their release source."""
    for variable in profile.variables.values():
        for default in _statements(variable):
            if default.phase == phase:
                ev.run(_statement(variable.name, default), profile.label(default.file))


def _statements(variable: profiles.VariableDefault) -> tuple[profiles.Default, ...]:
    if variable.statements or variable.unresolved is None or variable.raw is None:
        return variable.statements
    # No measured model (the value needs oe-core's Python code): keep BitBake's own text, so
    # the datastore reports it as not evaluated rather than inventing a value.
    file, _, line = variable.source.rpartition(":")
    number = int(line) if line.isdigit() else 0
    return (profiles.Default("after", "?=", variable.raw, file, number),)


def _statement(name: str, default: profiles.Default) -> Statement:
    span = Span(default.line, 1, default.line, 1)
    if default.op in (":append", ":prepend"):
        return Statement(Kind.ASSIGN, span, name=f"{name}{default.op}", op="=", value=default.text)
    return Statement(Kind.ASSIGN, span, name=name, op=default.op, value=default.text)


__all__ = [
    "BBLAYERS_CONF",
    "LoadInfo",
    "OwnFiles",
    "detect_release",
    "forget_parsed_files",
    "load_build",
    "load_build_info",
]
