"""Generate confdrift/build/profiles/<release>.json from the snapshots in ../shared/releases.

A profile answers "what would BitBake's base configuration hold for this release, distro and
machine, given a local.conf that says nothing about these variables — and how does a local.conf
that does say something combine with it?". It is plain data: for each variable, the effective
value, the file:line that set it, and a few statements (``=``, ``??=`` before local.conf;
``=``, ``?=``, ``:append``, ``:prepend`` after it) whose evaluation around a local.conf gives
the same value as the full chain.

The statements are *measured*, not guessed: BitBake's own loader
(tests/helpers/oracle_baseconfig.py, a generation-time tool; the output holds no BitBake code)
is run with a silent local.conf and
with local.conf probes (``V = "@L@"``, ``?=``, ``+=``, ``??=``); where the local value lands
tells which statements exist before and after local.conf. Every model is checked against
the probes it came from; a variable whose model does not reproduce them is left out and
counted.

Usage: python scripts/gen_release_profiles.py [RELEASE ...]   (default: all releases)

The releases are the records of confdrift/syntax/releases.py: add a release's record there
first, with its snapshot in ../shared/releases/<release>.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from helpers import oracle_baseconfig as ob  # noqa: E402

OUT_DIR = REPO / "confdrift" / "build" / "profiles"
MARK = "@L@"
MODES = ("=", "?=", "+=", "??=")
DISTROS = ("nodistro", "poky", "poky-altcfg", "poky-tiny")
#: "" is a local.conf that sets no MACHINE (BitBake then reads no machine file).
MACHINES = ("", "qemux86-64", "qemuarm64", "qemux86")
#: Variables that pick which files are read: probed with real alternative values.
SELECTORS = {"TCLIBC": ("musl", "glibc"), "INIT_MANAGER": ("systemd", "sysvinit")}
#: ``TCMODE ??= "default"`` in bitbake.conf; no other tcmode file exists in the snapshots.
FIXED = ("TCMODE",)
#: Probed one at a time: setting them changes how every other variable resolves.
ALONE = ("OVERRIDES", "MACHINEOVERRIDES", "DISTROOVERRIDES")
DRIFT_VARS = [
    "MACHINE",
    "DISTRO",
    "PACKAGE_CLASSES",
    "TCLIBC",
    "TCMODE",
    "DISTRO_FEATURES",
    "MACHINE_FEATURES",
    "TUNE_FEATURES",
    "DEFAULTTUNE",
    "TUNE_PKGARCH",
    "OVERRIDES",
    "MACHINEOVERRIDES",
    "DISTROOVERRIDES",
    "IMAGE_FSTYPES",
    "INHERIT",
    "INHERIT_DISTRO",
    "INIT_MANAGER",
    "PREFERRED_PROVIDER_virtual/kernel",
    "SSTATE_MIRRORS",
    "BB_SIGNATURE_HANDLER",
    "BB_HASHSERVE",
    "BB_HASHSERVE_UPSTREAM",
    "TARGET_VENDOR",
    "SDK_VENDOR",
    "DISTRO_VERSION",
    "EXTRA_IMAGE_FEATURES",
    "USER_CLASSES",
    "ROOT_HOME",
    "SSTATE_HASHEQUIV_METHOD",
    "HASHEQUIV_HASH_VERSION",
    "BB_BASEHASH_IGNORE_VARS",
    "BB_HASHCONFIG_IGNORE_VARS",
    "LAYERSERIES_CORENAMES",
    "DISTRO_NAME",
    "DISTRO_CODENAME",
    "TARGET_ARCH",
    "TUNE_ARCH",
    "SSTATE_VERSION",
    "TCLIBCAPPEND",
    "MACHINE_ARCH",
    "PACKAGE_EXTRA_ARCHS",
    "SSTATE_PKGARCH",
    "IMAGE_FEATURES",
    "DISTRO_FEATURES_BACKFILL",
    "DISTRO_FEATURES_DEFAULT",
    "DISTRO_FEATURES_DEFAULTS",
    "DISTRO_FEATURES_LIBC",
    "BB_HASHSERVE_DB_DIR",
    "SSTATE_EXCLUDEDEPS_SYSROOT",
    "LICENSE_FLAGS_ACCEPTED",
    # What users commonly set and the knowledge base judges: without them in the profile, a
    # child that writes a release default would be compared against "unset".
    "DISTRO_FEATURES_OPTED_OUT",
    "DISTRO_FEATURES_FILTER_NATIVE",
    "DISTRO_FEATURES_NATIVE",
    "TARGET_OS",
    "LIBCEXTENSION",
    "DEBUG_BUILD",
    "SELECTED_OPTIMIZATION",
    "FULL_OPTIMIZATION",
    "DEBUG_OPTIMIZATION",
    "DEBUG_LEVELFLAG",
    "SECURITY_CFLAGS",
    "SECURITY_LDFLAGS",
    "SOURCE_DATE_EPOCH_FALLBACK",
    "PREFERRED_TOOLCHAIN_TARGET",
    "PREFERRED_TOOLCHAIN_NATIVE",
    "PREFERRED_TOOLCHAIN_SDK",
    "MULTILIBS",
    "TUNE_CCARGS",
    "PRSERV_HOST",
    "ERROR_QA",
    "WARN_QA",
    "PREFERRED_PROVIDER_virtual/libc",
    "PREFERRED_VERSION_linux-yocto",
    "INCOMPATIBLE_LICENSE",
    "INCOMPATIBLE_LICENSE_EXCEPTIONS",
    "ENABLE_BINARY_LOCALE_GENERATION",
    "GLIBC_GENERATE_LOCALES",
    "CORE_IMAGE_EXTRA_INSTALL",
    "IMAGE_CLASSES",
    "IMAGE_LINGUAS",
    "IMAGE_ROOTFS_EXTRA_SPACE",
    "NO_RECOMMENDATIONS",
    "BAD_RECOMMENDATIONS",
    "PACKAGE_EXCLUDE",
    "PACKAGE_ARCHS",
    "SDKMACHINE",
    "SDKIMAGE_FEATURES",
    "SDK_VERSION",
    "SDK_NAME",
    "DISTRO_EXTRA_RDEPENDS",
    "DISTRO_EXTRA_RRECOMMENDS",
    "BUILD_REPRODUCIBLE_BINARIES",
    "PATCHRESOLVE",
    "HASHEQUIV_EXTRA_SIGDATA",
    "PREMIRRORS",
    "MIRRORS",
    "SOURCE_MIRROR_URL",
    "BB_GENERATE_MIRROR_TARBALLS",
    "BB_NO_NETWORK",
    "BB_FETCH_PREMIRRORONLY",
    "SSTATE_MIRROR_ALLOW_NETWORK",
    "BB_ALLOWED_NETWORKS",
]
#: Build-directory variables a default may refer to: kept as references, never expanded
#: to the scratch directory the profile was measured in.
BUILD_REFS = ("TOPDIR",)
#: Directories bitbake.conf defaults with ``?=`` after local.conf, relative to TOPDIR: read
#: from bitbake.conf's text (the probes would see the scratch build directory instead).
BUILD_DIRS = ("DL_DIR", "SSTATE_DIR")

Values = dict[str, "str | ob.Unresolved"]
Statement = list[str]  # [phase, op, value, source]


@dataclass(frozen=True)
class Combo:
    release: str
    distro: str
    machine: str
    #: A local.conf line every run of this combination has (an init manager variant).
    fixed: str = ""

    def local_conf(self, extra: str = "") -> str:
        lines = [f'MACHINE = "{self.machine}"'] if self.machine else []
        if self.distro != "nodistro":
            lines.append(f'DISTRO = "{self.distro}"')
        return "\n".join([*lines, self.fixed, extra, ""])


class Runner:
    """Runs the oracle for one combination and one local.conf, in a scratch build dir."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.count = 0

    def run(self, combo: Combo, extra: str = "", tracking: bool = False) -> ob.OracleResult:
        self.count += 1
        topdir = self.scratch / f"b{self.count}"
        ob.make_build(topdir, combo.release, combo.local_conf(extra))
        return ob.base_config(topdir, combo.release, tracking=tracking)


def mark_for(name: str) -> str:
    """Each probed variable gets its own marker, so one probe landing in another shows."""
    return f"{MARK}{name}@"


def probe_line(name: str, mode: str, value: str | None = None) -> str:
    return f'{name} {mode} "{value or mark_for(name)}"'


def probe_values(runner: Runner, combo: Combo, names: Iterable[str]) -> dict[str, Values]:
    """mode -> {variable: value} with every name in ``names`` probed in the same local.conf.

    A probe that makes BitBake fail (its value names a file to read) is retried variable by
    variable; a variable whose own probe fails is reported as unresolved.
    """
    names = list(names)
    out: dict[str, Values] = {}
    for mode in MODES:
        try:
            result = runner.run(combo, "\n".join(probe_line(n, mode) for n in names))
            out[mode] = {n: result.values.get(n, "") for n in names}
        except Exception:
            out[mode] = {n: _probe_one(runner, combo, n, mode) for n in names}
    return out


def _probe_one(runner: Runner, combo: Combo, name: str, mode: str) -> str | ob.Unresolved:
    try:
        return runner.run(combo, probe_line(name, mode)).values.get(name, "")
    except Exception as exc:
        return ob.Unresolved("probe", str(exc).splitlines()[-1])


def _strip(value: str, prefix: str, suffix: str) -> str | None:
    if value.startswith(prefix) and value.endswith(suffix) and len(value) >= len(prefix + suffix):
        return value[len(prefix) : len(value) - len(suffix)]
    return None


def model(silent: str | None, probes: dict[str, str], mark: str) -> list[list[str]] | None:
    """Statements [phase, op, value] that reproduce the silent value and the four probes."""
    assigned = probes["="]
    if mark not in assigned:
        return [["after", "=", assigned]]
    prefix, suffix = assigned.split(mark, 1)
    stmts: list[list[str]] = []
    core = _strip(silent or "", prefix, suffix) if silent is not None else None
    added = _strip(probes["+="], prefix, suffix) or ""
    if mark not in probes["?="]:  # a strong value existed before local.conf
        stmts.append(["before", "=", added[: -len(" " + mark)] if added.endswith(mark) else ""])
    elif core is not None and mark in probes["??="] and core != "":
        stmts.append(["before", "??=", core])
    elif core is not None and (core != "" or silent is not None):
        stmts.append(["after", "?=", core])
    if prefix:
        stmts.append(["after", ":prepend", prefix])
    if suffix:
        stmts.append(["after", ":append", suffix])
    return stmts


def simulate(stmts: list[list[str]], local: tuple[str, str] | None) -> str | None:
    """Evaluate a model around a one-line local.conf with BitBake's operator rules."""
    strong: str | None = None
    weak: str | None = None
    ordered = (
        [s for s in stmts if s[0] == "before"]
        + ([["local", *local]] if local else [])
        + [s for s in stmts if s[0] == "after"]
    )
    prepends, appends = "", ""
    for _phase, op, value in ordered:
        if op == "=" or (op == "?=" and strong is None):
            strong = value
        elif op == "??=":
            weak = value
        elif op == "+=":
            strong = f"{strong} {value}" if strong is not None else f" {value}"
        elif op == ":prepend":
            prepends = value + prepends
        elif op == ":append":
            appends += value
    base = strong if strong is not None else weak
    if base is None and not (prepends or appends):
        return None
    return prepends + (base or "") + appends


def check(stmts: list[list[str]], silent: str | None, probes: dict[str, str], mark: str) -> bool:
    """Does the model give BitBake's answer for the silent local.conf and every probe?"""
    if (simulate(stmts, None) or "") != (silent or ""):
        return False
    return all(simulate(stmts, (mode, mark)) == probes[mode] for mode in MODES)


def phase_entries(data: Any, name: str, phase: str) -> list[dict[str, Any]]:
    """BitBake's history of ``name`` before or after local.conf (local.conf's own left out)."""
    entries = [e for e in data.varhistory.variable(name) if "file" in e and "line" in e]
    entries = [e for e in entries if e.get("flag") in (None, "_defaultval")]
    local = [i for i, e in enumerate(entries) if e["file"].endswith("/conf/local.conf")]
    split = local[0] if local else len(entries)
    chosen = entries[:split] if phase == "before" else entries[split:]
    return [e for e in chosen if not e["file"].endswith("/conf/local.conf")]


def history_source(data: Any, name: str, phase: str, release: str, op: str = "=") -> str:
    """file:line (relative to the release snapshot) of the statement behind ``phase``/``op``."""
    chosen = phase_entries(data, name, phase)
    texts = _APPENDS if op == ":append" else _PREPENDS if op == ":prepend" else None
    if texts is not None:
        adding = [e for e in chosen if e.get("op") in texts]
        winner = adding[-1] if adding else None
    else:
        winner = _winner(chosen)
    winner = winner or (chosen[-1] if chosen else None)
    if winner is None:
        return ""
    if not winner["file"].startswith(str(ob.RELEASES_DIR.resolve())):
        return _layer_conf_line(name, release)
    root = str((ob.RELEASES_DIR / release).resolve()) + "/"
    path = winner["file"].replace(root, "")
    for repo in ("openembedded-core/", "poky/"):
        path = path.removeprefix(repo)
    return f"{path}:{winner['line']}"


#: How each history operation adds text to a value (``+=`` adds a space).
_APPENDS = {"append": " {}", ":append": "{}", "postdot": "{}"}
_PREPENDS = {"prepend": "{} ", ":prepend": "{}", "predot": "{}"}
_REF = re.compile(r"\$\{([A-Za-z0-9_\-/+.]+)\}")


def raw_text(entries: list[dict[str, Any]], op: str) -> str | None:
    """The unexpanded text behind one model statement, from BitBake's history."""
    if op in ("=", "?=", "??="):
        winner = _winner(entries)
        return None if winner is None else str(winner.get("detail", ""))
    texts = _APPENDS if op == ":append" else _PREPENDS
    parts = [texts[e["op"]].format(e["detail"]) for e in entries if e.get("op") in texts]
    if op == ":prepend":
        parts.reverse()
    return "".join(parts) if parts else None


def linked_text(data: Any, raw: str | None, value: str, keep: set[str]) -> str | None:
    """``raw`` expanded except for references to ``keep``, if it expands to ``value``.

    Keeping ``${PACKAGE_CLASSES}`` in INHERIT's default lets a local.conf value of
    PACKAGE_CLASSES reach INHERIT, as it does in BitBake.
    """
    if raw is None or "${" not in raw:
        return None
    hidden: dict[str, str] = {}

    def hide(match: re.Match[str]) -> str:
        if match.group(1) not in keep:
            return match.group(0)
        token = f"@@KEEP{len(hidden)}@@"
        hidden[token] = match.group(0)
        return token

    try:
        if data.expand(raw) != value:
            return None
        text = str(data.expand(_REF.sub(hide, raw)))
    except Exception:  # an expansion BitBake cannot do here: keep the plain value
        return None
    if "${" in text or "@@KEEP" not in text:  # only the kept references may stay open
        return None
    for token, ref in hidden.items():
        text = text.replace(token, ref)
    return text


def _layer_conf_line(name: str, release: str) -> str:
    """The cooker re-sets LAYERSERIES_* itself; point at the layer.conf line it read."""
    layer_conf = ob.release_layers(release, False)[0] / "conf" / "layer.conf"
    for number, line in enumerate(layer_conf.read_text().splitlines(), 1):
        if line.startswith(f"{name} "):
            return f"meta/conf/layer.conf:{number}"
    return ""


def _winner(entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    strong: dict[str, Any] | None = None
    weak: dict[str, Any] | None = None
    for e in entries:
        op = e.get("op", "")
        if e.get("flag") == "_defaultval":
            weak = e
        elif (
            op in ("set", ":=")
            or (op == "set?" and strong is None)
            or (strong is None and weak is None)
        ):
            strong = e
    return strong or weak


def describe(
    runner: Runner,
    combo: Combo,
    silent: ob.OracleResult,
    probes: dict[str, Values],
    tracked: ob.OracleResult,
    name: str,
    mark: str,
    keep: set[str],
) -> dict[str, Any]:
    value = silent.values.get(name)
    if isinstance(value, ob.Unresolved) or any(
        isinstance(p.get(name), ob.Unresolved) for p in probes.values()
    ):
        raw = silent.data.getVar(name, False)
        source = history_source(tracked.data, name, "after", combo.release)
        return {"unresolved": _why(value, probes, name), "raw": raw, "source": source}
    seen = {mode: str(p[name]) for mode, p in probes.items()}
    if any(v.replace(mark, "").count(MARK) for v in seen.values()):
        return {"unresolved": "no statement model: another probe reached it", "value": value}
    stmts = model(value, seen, mark)
    if stmts is None or not check(stmts, value, seen, mark):
        return {"unresolved": "no statement model reproduces BitBake here", "value": value}
    for stmt in stmts:
        phase, op, text = stmt
        stmt.append(history_source(tracked.data, name, phase, combo.release, op))
        raw = raw_text(phase_entries(tracked.data, name, phase), op)
        linked = linked_text(silent.data, raw, text, keep - {name})
        if linked is not None:
            stmt.append(linked)
    return {"value": value, "source": _main_source(stmts), "statements": stmts}


def _why(value: object, probes: dict[str, Values], name: str) -> str:
    reasons = [v for v in [value, *(p.get(name) for p in probes.values())]]
    if any(isinstance(v, ob.Unresolved) and v.reason == "oe" for v in reasons):
        return "needs oe-core's Python library (oe.*)"
    return "a local.conf value for it makes BitBake read another file"


def _main_source(stmts: list[list[str]]) -> str:
    for stmt in reversed(stmts):
        if stmt[1] in ("=", "?=", "??="):
            return stmt[3]
    return stmts[-1][3] if stmts else ""


def profile_for(runner: Runner, combo: Combo, names: list[str]) -> dict[str, Any]:
    silent = runner.run(combo)
    runtime = sorted(n for n in silent.values if n.startswith("VIRTUAL-RUNTIME_"))
    names = [*names, *runtime]
    keep = {*names, "MACHINE", "DISTRO", *BUILD_REFS}
    special = {*ALONE, *SELECTORS, *FIXED, "MACHINE", "DISTRO"}
    plain = [n for n in names if n not in special]
    entries: dict[str, Any] = {}
    probes = probe_values(runner, combo, plain)
    tracked = runner.run(combo, "\n".join(probe_line(n, "=") for n in plain), tracking=True)
    for name in plain:
        entries[name] = describe(runner, combo, silent, probes, tracked, name, mark_for(name), keep)
    # A grouped probe can disturb a variable that refers to another probed one: redo alone.
    retry = [n for n in plain if "no statement model" in entries[n].get("unresolved", "")]
    for name in [*retry, *ALONE]:
        p = probe_values(runner, combo, [name])
        t = runner.run(combo, probe_line(name, "="), tracking=True)
        entries[name] = describe(runner, combo, silent, p, t, name, mark_for(name), keep)
    for name, (alt, other) in SELECTORS.items():
        mark = alt if silent.values.get(name) != alt else other
        p = _probe_selector(runner, combo, name, mark)
        t = runner.run(combo, probe_line(name, "=", mark), tracking=True)
        entries[name] = describe(runner, combo, silent, p, t, name, mark, keep)
    entries.update(_axis_entries(combo, tracked))
    entries.update(_fixed_entries(combo, tracked))
    entries.update(_build_dir_entries(combo.release))
    entries = {k: v for k, v in entries.items() if v.get("value") is not None or "unresolved" in v}
    return _unlink_missing(entries)


def _build_dir_entries(release: str) -> dict[str, Any]:
    """``DL_DIR ?= "${TOPDIR}/downloads"``-style defaults, read after local.conf."""
    conf = ob.release_layers(release, False)[0] / "conf" / "bitbake.conf"
    lines = conf.read_text().splitlines()
    local = next(i for i, line in enumerate(lines, 1) if line == "include conf/local.conf")
    out: dict[str, Any] = {}
    for number, line in enumerate(lines, 1):
        match = re.fullmatch(r'(\w+) \?= "(\$\{TOPDIR\}/[^"$]*)"', line)
        if match and match.group(1) in BUILD_DIRS and number > local:
            source = f"meta/conf/bitbake.conf:{number}"
            text = match.group(2)
            out[match.group(1)] = {"value": text, "source": source,
                                   "statements": [["after", "?=", text, source]]}
    missing = set(BUILD_DIRS) - set(out)
    if missing:
        raise SystemExit(f"{release}: bitbake.conf has no after-local.conf default for {missing}")
    return out


def _unlink_missing(entries: dict[str, Any]) -> dict[str, Any]:
    """Drop linked texts that refer to a variable this profile does not set."""
    have = {n for n, e in entries.items() if e.get("statements")} | {"MACHINE", "DISTRO",
                                                                      *BUILD_REFS}
    for entry in entries.values():
        for stmt in entry.get("statements", []):
            if len(stmt) == 5 and not set(_REF.findall(stmt[4])) <= have:
                del stmt[4]
    return entries


def _probe_selector(runner: Runner, combo: Combo, name: str, mark: str) -> dict[str, Values]:
    out: dict[str, Values] = {}
    for mode in MODES:
        if mode == "+=":
            # "glibc musl" would name a file that does not exist: a local += lands as " v"
            # unless a later "=" replaces it, which the "=" probe has just shown.
            assigned = str(out["="][name])
            out[mode] = {name: f" {mark}" if mark in assigned else assigned}
            continue
        result = runner.run(combo, probe_line(name, mode, mark))
        out[mode] = {name: result.values.get(name, "")}
    return out


def _axis_entries(combo: Combo, tracked: ob.OracleResult) -> dict[str, Any]:
    """MACHINE and DISTRO choose the profile; only nodistro's DISTRO is a default."""
    if combo.distro != "nodistro":
        return {}
    source = history_source(tracked.data, "DISTRO", "before", combo.release)
    value = tracked.values.get("DISTRO")
    return {
        "DISTRO": {
            "value": value,
            "source": source,
            "statements": [["before", "??=", value, source]],
        }
    }


def _fixed_entries(combo: Combo, tracked: ob.OracleResult) -> dict[str, Any]:
    """Variables whose only other values name missing files: a weak default, as written."""
    out: dict[str, Any] = {}
    for name in FIXED:
        value = tracked.values.get(name)
        source = history_source(tracked.data, name, "before", combo.release)
        out[name] = {
            "value": value,
            "source": source,
            "statements": [["before", "??=", value, source]],
        }
    return out


def generate(release: str, scratch: Path) -> dict[str, Any]:
    runner = Runner(scratch)
    distros: dict[str, Any] = {}
    for distro in DISTROS:
        base: dict[str, Any] | None = None
        machines: dict[str, Any] = {}
        for machine in MACHINES:
            entries = profile_for(runner, Combo(release, distro, machine), list(DRIFT_VARS))
            if base is None:
                base, machines[machine] = entries, entries
            else:
                machines[machine] = {k: v for k, v in entries.items() if base.get(k) != v}
                machines[machine].update({k: {"value": None} for k in base if k not in entries})
        assert base is not None
        distros[distro] = {
            "machines": machines,
            "init_managers": _variants(runner, release, distro, base),
        }
        print(f"{release} {distro}: {runner.count} oracle runs", file=sys.stderr)
    return {
        "schema": 1,
        "release": release,
        "bitbake_version": ob.BITBAKE_VERSION[release],
        "sources": _revisions(release),
        "variables": [*DRIFT_VARS, *BUILD_DIRS],
        "distros": distros,
    }


def _variants(runner: Runner, release: str, distro: str, base: dict[str, Any]) -> dict[str, Any]:
    """Per init manager a local.conf may choose: the entries that differ from the distro's.

    INIT_MANAGER selects an include file (init-manager-<name>.inc), so its effect on
    DISTRO_FEATURES and the VIRTUAL-RUNTIME_* variables is measured, not modelled.
    """
    include = ob.release_layers(release, False)[0] / "conf" / "distro" / "include"
    names = sorted(p.stem.removeprefix("init-manager-") for p in include.glob("init-manager-*.inc"))
    default = base.get("INIT_MANAGER", {}).get("value")
    out: dict[str, Any] = {}
    for name in names:
        if name == default:
            continue
        combo = Combo(release, distro, "", f'INIT_MANAGER = "{name}"')
        entries = profile_for(runner, combo, list(DRIFT_VARS))
        entries.pop("INIT_MANAGER", None)  # local.conf's own value
        diff = {k: v for k, v in entries.items() if base.get(k) != v}
        diff.update({k: {"value": None} for k in base if k not in entries and k != "INIT_MANAGER"})
        out[name] = diff
    return out


def _revisions(release: str) -> dict[str, str]:
    root = ob.RELEASES_DIR / release
    return {p.stem: p.read_text().strip() for p in sorted(root.glob("*.REV"))}


def without_scratch(profile: dict[str, Any], scratch: str) -> dict[str, Any]:
    """Unresolved values that mention the scratch build directory (kirkstone's
    DEBUG_PREFIX_MAP inside the optimisation flags) say ${TOPDIR} instead; per-machine and
    per-init-manager tables then keep only what really differs from the distro's base."""
    pattern = re.compile(re.escape(scratch) + r"/b[0-9]+")
    text = pattern.sub("${TOPDIR}", json.dumps(profile))
    clean: dict[str, Any] = json.loads(text)
    for distro in clean["distros"].values():
        base = distro["machines"][""]
        for machine, table in distro["machines"].items():
            if machine:
                distro["machines"][machine] = {k: v for k, v in table.items()
                                               if base.get(k) != v}
        for name, table in distro.get("init_managers", {}).items():
            distro["init_managers"][name] = {k: v for k, v in table.items() if base.get(k) != v}
    return clean


def main(argv: list[str]) -> int:
    releases = argv or list(ob.RELEASES)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        for release in releases:
            profile = without_scratch(generate(release, Path(scratch)), scratch)
            text = json.dumps(profile, indent=1, sort_keys=True) + "\n"
            (OUT_DIR / f"{release}.json").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
