"""Test oracle: BitBake's own base-configuration loading, run through the real ``bb`` library.

This is a *test-time* tool (and a generation-time tool for the release profiles): confdrift
never imports ``bb``. It reproduces the cooker's order (bblayers.conf, each layer.conf with
LAYERDIR baked, then conf/bitbake.conf along BBPATH with all it includes) and stops before the
``INHERIT`` classes, which the release snapshots in ``shared/releases`` do not carry.

Adjustments, each needed because the oracle is BitBake 2.19 reading older metadata:

* ``BB_CURRENT_MC`` is the release record's ``main_multiconfig_name``: ``"default"`` for
  kirkstone, scarthgap and styhead (BitBake < 2.12), whose bitbake.conf does ``require
  conf/multiconfig/${BB_CURRENT_MC}.conf`` and whose own BitBake set it that way. From
  walnascar on it is ``""``, as 2.19 sets it.
* walnascar's ``addfragments`` has three arguments (BitBake 2.12); 2.19 only parses four. The
  oracle accepts a three-argument line as a four-argument one with no built-in fragments, which
  is what 2.12 did.
* ``addpylib ${LAYERDIR}/lib oe`` would import oe-core's Python library, absent from the
  snapshots: a stub ``oe`` module is installed and any expansion that touches it is reported as
  ``Unresolved("oe", ...)`` instead of a value (kirkstone reaches ``oe`` the same way).
* The process environment is not inherited (BitBake would import PATH, HOME, ...): values must
  not depend on who runs the tests.
"""

from __future__ import annotations

import contextlib
import re
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from confdrift.syntax import releases as table

from .oracle import captured_bitbake_log

SHARED = Path(__file__).resolve().parents[2] / "../shared"
RELEASES_DIR = SHARED / "releases"

#: BitBake version of each release (the parser dialect confdrift must use for it).
BITBAKE_VERSION = {r.name: r.bitbake_version for r in table.RELEASES}
RELEASES = tuple(BITBAKE_VERSION)
_OE_STUB_MESSAGE = "confdrift oracle: oe-core's Python library is not available"
_NO_BUILTINS = "_CONFDRIFT_ORACLE_NO_BUILTIN_FRAGMENTS"


class OeNeeded(Exception):
    """Raised by the stub ``oe`` module: the value needs oe-core's Python library."""


@dataclass(frozen=True)
class Unresolved:
    """A variable the oracle could not compute; ``reason`` is ``"oe"`` or ``"error"``."""

    reason: str
    message: str


@dataclass
class OracleResult:
    """What BitBake's base configuration holds, variable by variable."""

    values: dict[str, str | Unresolved]
    data: Any = field(repr=False)  #: the bb datastore, for flags and history


def import_bb() -> Any:
    """Import ``bb`` with the hash-server modules it wants stubbed out."""
    for name in ("hashserv", "hashserv.client"):
        sys.modules.setdefault(name, types.ModuleType(name))
    import bb  # type: ignore[import-untyped]
    import bb.cookerdata  # type: ignore[import-untyped]
    import bb.data  # type: ignore[import-untyped]
    import bb.parse  # type: ignore[import-untyped]

    return bb


def _oe_stub() -> types.ModuleType:
    stub = types.ModuleType("oe")
    stub.BBIMPORTS = []  # type: ignore[attr-defined]

    def missing(name: str) -> Any:
        raise OeNeeded(f"{_OE_STUB_MESSAGE} (oe.{name})")

    stub.__getattr__ = missing  # type: ignore[method-assign]
    return stub


@contextlib.contextmanager
def _three_arg_addfragments(bb: Any) -> Iterator[None]:
    """Let BitBake 2.19 read walnascar's three-argument ``addfragments`` as 2.12 did."""
    conf = bb.parse.parse_py.ConfHandler
    old_re = conf.__dict__["__addfragments_regexp__"]
    old_handler = bb.parse.ast.handleAddFragments

    def handler(statements: Any, filename: str, lineno: int, m: Any) -> None:
        groups = [*m.groups()[:3], m.group(4) or _NO_BUILTINS]
        node = bb.parse.ast.AddFragmentsNode(filename, lineno, *groups)
        statements.append(node)

    conf.__addfragments_regexp__ = re.compile(
        r"addfragments\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(\S+))?\s*$"
    )
    bb.parse.ast.handleAddFragments = handler
    try:
        yield
    finally:
        conf.__addfragments_regexp__ = old_re
        bb.parse.ast.handleAddFragments = old_handler


@contextlib.contextmanager
def _oe_stubbed(bb: Any) -> Iterator[None]:
    saved_module = sys.modules.get("oe")
    sys.modules["oe"] = _oe_stub()
    bb.utils._context["oe"] = sys.modules["oe"]
    try:
        yield
    finally:
        bb.utils._context.pop("oe", None)
        if saved_module is None:
            sys.modules.pop("oe", None)
        else:
            sys.modules["oe"] = saved_module


def _fresh_store(bb: Any, release: str, topdir: Path, tracking: bool) -> Any:
    bb.event.set_class_handlers(bb.event.clean_class_handlers())
    data = bb.data.init()
    if tracking:
        data.enableTracking()
    data.setVar("__bbclasstype", "global")
    data.setVar("BB_CURRENT_MC", table.get(release).main_multiconfig_name)
    data.setVar(_NO_BUILTINS, "")
    data.setVar("TOPDIR", str(topdir))
    return data


def _read_layers(bb: Any, data: Any, bblayers: Path) -> Any:
    """bblayers.conf, then each layer.conf with LAYERDIR baked, as the cooker does."""
    data = bb.parse.handle(str(bblayers), data, True, baseconfig=True)
    series: set[str] = set()
    compat: dict[str, set[str]] = {}
    for layer in (data.getVar("BBLAYERS") or "").split():
        layer = layer.rstrip("/")
        data.setVar("LAYERDIR", layer)
        data.setVar("LAYERDIR_RE", re.escape(layer))
        data = bb.parse.handle(f"{layer}/conf/layer.conf", data, True, baseconfig=True)
        data.expandVarref("LAYERDIR")
        data.expandVarref("LAYERDIR_RE")
        for name in (data.getVar("BBFILE_COLLECTIONS") or "").split():
            entry = data.getVar(f"LAYERSERIES_COMPAT_{name}")
            if entry:
                compat[name] = set(entry.split())
                data.delVar(f"LAYERSERIES_COMPAT_{name}")
        if not series:
            series = set((data.getVar("LAYERSERIES_CORENAMES") or "").split())
            if series:
                data.delVar("LAYERSERIES_CORENAMES")
    data.delVar("LAYERDIR_RE")
    data.delVar("LAYERDIR")
    for name, names in compat.items():
        data.setVar(f"LAYERSERIES_COMPAT_{name}", " ".join(sorted(names)))
    data.setVar("LAYERSERIES_CORENAMES", " ".join(sorted(series)))
    return data


def _expand_all(data: Any) -> dict[str, str | Unresolved]:
    values: dict[str, str | Unresolved] = {}
    for name in sorted(data.keys()):
        if name.startswith("__") or name == _NO_BUILTINS:
            continue
        try:
            value = data.getVar(name)
        except Exception as exc:  # the oracle reports every failure as data
            reason = "oe" if _OE_STUB_MESSAGE in str(exc) else "error"
            values[name] = Unresolved(reason, str(exc))
            continue
        if isinstance(value, str):
            values[name] = value
    return values


def base_config(build_dir: Path, release: str, *, tracking: bool = False) -> OracleResult:
    """BitBake's base configuration of ``build_dir`` (which holds conf/bblayers.conf)."""
    bb = import_bb()
    try:
        with captured_bitbake_log() as collector, _oe_stubbed(bb), _three_arg_addfragments(bb):
            data = _fresh_store(bb, release, build_dir, tracking)
            data = _read_layers(bb, data, build_dir / "conf" / "bblayers.conf")
            data.setVar("BB_CACHEDIR", "${TOPDIR}/cache")
            data = bb.parse.handle("conf/bitbake.conf", data, True, baseconfig=True)
            values = _expand_all(data)
    except bb.BBHandledException as exc:
        raise RuntimeError("; ".join(collector.messages) or repr(exc)) from exc
    return OracleResult(values, data)


def release_layers(release: str, distro_layer: bool = True) -> list[Path]:
    """The layer directories of one release snapshot (oe-core's meta, then meta-poky...)."""
    root = RELEASES_DIR / release
    layers = [root / "openembedded-core" / "meta"]
    if distro_layer:
        layers += [root / "poky" / "meta-poky", root / "poky" / "meta-yocto-bsp"]
    return [p.resolve() for p in layers]


def make_build(topdir: Path, release: str, local_conf: str, *, poky_layers: bool = True) -> Path:
    """Write conf/local.conf and conf/bblayers.conf for ``release`` under ``topdir``."""
    conf = topdir / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    layers = " \\\n  ".join(str(p) for p in release_layers(release, poky_layers))
    (conf / "bblayers.conf").write_text(
        'BBPATH = "${TOPDIR}"\nBBFILES ?= ""\n\nBBLAYERS ?= " \\\n  ' + layers + ' \\\n  "\n'
    )
    (conf / "local.conf").write_text(local_conf)
    return topdir
