"""Classify what the user named: a conf file, a build directory, or a kas project file.

This is the edge where a path from the command line becomes a :class:`BuildInput`: the
files BitBake would read for that build (``conf/site.conf``, ``auto.conf``, ``toolcfg.conf``,
``local.conf``, ``bblayers.conf``), or for a kas project the text kas would write there.
Nothing is parsed as BitBake here; loading the chain is the datastore's job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal, NamedTuple

from confdrift.errors import ConfdriftError, InputError
from confdrift.syntax.nodes import Kind, Statement
from confdrift.syntax.parse import parse_file

if TYPE_CHECKING:
    from confdrift.build.kas import KasConfig

InputKind = Literal["file", "builddir", "kas"]

#: Suffixes read as BitBake configuration text when named directly.
CONF_SUFFIXES = (".conf", ".inc", ".conf.sample")
#: Keys of :attr:`BuildInput.generated` for kas projects.
LOCAL_CONF, BBLAYERS_CONF = "local.conf", "bblayers.conf"


class BuildInput(NamedTuple):
    """One side of a comparison: which files make up the build's configuration."""

    kind: InputKind
    #: The path the user named, made absolute.
    path: Path
    #: BitBake's ``TOPDIR``: the build directory (kas: its build dir, even if not created yet).
    topdir: Path | None
    local_conf: Path | None = None
    bblayers_conf: Path | None = None
    site_conf: Path | None = None
    auto_conf: Path | None = None
    toolcfg_conf: Path | None = None
    #: Layer directories, when known without evaluating BitBake (kas: from ``repos``).
    layers: tuple[Path, ...] = ()
    #: kas only: ``local.conf`` / ``bblayers.conf`` → the text kas would write.
    generated: Mapping[str, str] = MappingProxyType({})
    machine: str | None = None
    distro: str | None = None
    targets: tuple[str, ...] = ()
    #: kas only: the merged project (repos, env, includes that could not be followed).
    kas: KasConfig | None = None

    @property
    def conf_files(self) -> tuple[Path, ...]:
        """The files on disk, in the order ``bitbake.conf`` includes them."""
        order = (self.site_conf, self.auto_conf, self.toolcfg_conf, self.local_conf)
        return tuple(p for p in order if p is not None)


def classify(
    path: str | Path, *, environ: Mapping[str, str] | None = None, hints: bool = True
) -> BuildInput:
    """Decide what ``path`` is and collect the build's configuration files.

    ``environ`` is consulted for kas's ``KAS_*`` overrides only; pass ``os.environ`` to get
    kas's behaviour, leave it out to read the files alone. ``hints=False`` leaves MACHINE
    and DISTRO of a local.conf unread (a caller that parses the file itself fills them in
    with :func:`hints_of`).
    """
    named = Path(path).expanduser().absolute()
    if not named.exists() and _is_kas_concatenation(str(path)):
        return from_kas(str(path), environ=environ)
    if not named.exists():
        raise InputError("no such file or directory", str(path))
    if named.is_dir():
        return _from_directory(named, str(path), hints)
    if named.name.endswith(CONF_SUFFIXES):
        return _from_conf_file(named, hints)
    if _looks_like_kas(named):
        return from_kas(named, environ=environ)
    raise InputError(
        "not a BitBake .conf file, a build directory or a kas file (.yml, .yaml, .json)",
        str(path),
    )


def _is_kas_concatenation(arg: str) -> bool:
    # kas accepts "base.yml:extra.yml" and merges the files in that order.
    parts = [Path(p).expanduser() for p in arg.split(":")]
    return len(parts) > 1 and all(p.is_file() and _looks_like_kas(p) for p in parts)


def _looks_like_kas(path: Path) -> bool:
    # A .json file is kas only with a "header"; reading it may raise a clear InputError.
    if path.suffix not in (".yml", ".yaml", ".json"):
        return False
    from confdrift.build.kas import is_kas_file  # kas support loads only for kas projects

    return is_kas_file(path)


def same_builds(named: Sequence[str]) -> list[str]:
    """``named`` without the ones that name a build named before (``conf/local.conf`` and
    ``conf/bblayers.conf`` of one build, as pre-commit passes them): each build once."""
    seen: set[str] = set()
    kept: list[str] = []
    for arg in named:
        path = Path(arg).expanduser().absolute()
        key = str(_build_of(path) or path)  # a build directory is its own key
        if key not in seen:
            seen.add(key)
            kept.append(arg)
    return kept


#: The files of a build directory's conf/: naming one names the build, as BitBake reads it.
BUILD_CONF_FILES = frozenset({"local.conf", "bblayers.conf", "site.conf", "auto.conf",
                              "toolcfg.conf"})


def _build_of(path: Path) -> Path | None:
    """The build directory whose ``conf/`` file ``path`` is (``build/conf/bblayers.conf``),
    if it is one: a conf/ that holds a local.conf."""
    conf = path.parent
    if path.name in BUILD_CONF_FILES and conf.name == "conf" and (conf / LOCAL_CONF).is_file():
        return conf.parent
    return None


def _from_conf_file(path: Path, hints: bool) -> BuildInput:
    build = _build_of(path)
    if build is not None:
        # build/conf/local.conf (or its bblayers.conf): the whole build, layers included.
        return _build_dir(build, build, hints)._replace(path=path)
    # build/conf/local.conf sits two levels below TOPDIR; elsewhere the file's directory
    # stands in for it, like BitBake's current-directory default.
    topdir = path.parent.parent if path.parent.name == "conf" else path.parent
    machine, distro = _hints(path) if hints else (None, None)
    return BuildInput(
        kind="file", path=path, topdir=topdir, local_conf=path, machine=machine, distro=distro
    )


def _from_directory(directory: Path, named: str, hints: bool) -> BuildInput:
    if (directory / "conf" / "local.conf").is_file():
        return _build_dir(directory, directory, hints)
    if (directory / "local.conf").is_file():
        return _build_dir(directory, directory.parent, hints)  # the conf directory itself
    raise InputError("not a build directory: no conf/local.conf (nor local.conf) in it", named)


def _present(path: Path) -> Path | None:
    return path if path.is_file() else None


def _build_dir(named: Path, topdir: Path, hints: bool = True) -> BuildInput:
    conf = topdir / "conf" if named == topdir else named
    local_conf = _present(conf / "local.conf")
    machine, distro = _hints(local_conf) if local_conf and hints else (None, None)
    return BuildInput(
        kind="builddir",
        path=named,
        topdir=topdir,
        machine=machine,
        distro=distro,
        local_conf=local_conf,
        bblayers_conf=_present(conf / "bblayers.conf"),
        site_conf=_present(conf / "site.conf"),
        auto_conf=_present(conf / "auto.conf"),
        toolcfg_conf=_present(conf / "toolcfg.conf"),
    )


def _hints(conf: Path) -> tuple[str | None, str | None]:
    """MACHINE and DISTRO as this one file sets them, for labels only.

    The resolved values come from the datastore (includes, other conf files, overrides);
    a value still containing ``${`` is no label, so it is left out.
    """
    try:
        statements = parse_file(conf, recover=True).statements
    except ConfdriftError:
        return None, None
    return hints_of(statements)


def hints_of(statements: Sequence[Statement]) -> tuple[str | None, str | None]:
    """MACHINE and DISTRO as these statements of one file set them (see :func:`_hints`)."""
    return _literal(statements, "MACHINE"), _literal(statements, "DISTRO")


def _literal(statements: Sequence[Statement], name: str) -> str | None:
    found = [
        (st.op, st.value or "")
        for st in statements
        if st.kind is Kind.ASSIGN and st.name == name and st.flag is None
    ]
    strong = [v for op, v in found if op in ("=", ":=")]
    soft = [v for op, v in found if op == "?="]
    weak = [v for op, v in found if op == "??="]
    # The last hard assignment wins; else the first ?=; else the last ??= (BitBake's order).
    chosen = strong[-1:] or soft[:1] or weak[-1:]
    return chosen[0] if chosen and "${" not in chosen[0] else None


def from_kas(path: str | Path, *, environ: Mapping[str, str] | None = None) -> BuildInput:
    """A kas project (``a.yml`` or ``a.yml:b.yml``): generated texts, layers and hints."""
    from confdrift.build.kas import load_kas

    config = load_kas(path, environ=environ)  # a str may name several files: "a.yml:b.yml"
    conf = config.build_dir / "conf"
    return BuildInput(
        kind="kas",
        path=config.path,
        topdir=config.build_dir,
        # kas writes only local.conf and bblayers.conf; BitBake still reads these if present.
        site_conf=_present(conf / "site.conf"),
        auto_conf=_present(conf / "auto.conf"),
        toolcfg_conf=_present(conf / "toolcfg.conf"),
        layers=tuple(layer.path for layer in config.layers),
        generated={LOCAL_CONF: config.local_conf, BBLAYERS_CONF: config.bblayers_conf},
        machine=config.machine,
        distro=config.distro,
        targets=config.targets,
        kas=config,
    )
