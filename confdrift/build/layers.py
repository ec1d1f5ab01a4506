"""Describe the layers a build uses: collections, priorities, release series, git commits.

The input is the list of layer directories from ``BBLAYERS`` (the caller resolves the variable).
Each layer's ``conf/layer.conf`` is parsed (:mod:`confdrift.syntax.parse`) and given a cheap,
self-contained evaluation: only the handful of variables that identify a layer matter, and
``${VAR}`` is expanded from the same file only. Layer revisions drive signature drift, so
the git commit of each layer's checkout is read straight from ``.git`` (worktrees, packed
refs) without running git unless that fails.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from confdrift.errors import ConfdriftError
from confdrift.syntax.nodes import Kind
from confdrift.syntax.parse import parse_file

_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
_VAR_REF = re.compile(r"\$\{([A-Za-z0-9_\-+.:/~]+)\}")


@dataclass(frozen=True, slots=True)
class Collection:
    """One ``BBFILE_COLLECTIONS`` entry of a layer and the settings named after it."""

    name: str
    #: ``BBFILE_PRIORITY_<name>`` as written (BitBake converts it to an int later).
    priority: str | None = None
    #: ``LAYERSERIES_COMPAT_<name>``: release code names this layer claims to work with.
    series_compat: tuple[str, ...] = ()
    #: ``LAYERVERSION_<name>``.
    version: str | None = None
    #: ``LAYERDEPENDS_<name>``, version constraints kept as written (``core (>= 12)``).
    depends: str | None = None


@dataclass(frozen=True, slots=True)
class GitInfo:
    """Where a layer's git checkout is and which commit is checked out."""

    #: The work tree's top directory.
    root: Path
    #: The checked-out commit; ``None`` when HEAD names a branch with no commit yet.
    commit: str | None
    #: The branch HEAD points to (``main``), ``None`` when detached.
    branch: str | None = None


@dataclass(frozen=True, slots=True)
class LayerInfo:
    """What confdrift knows about one ``BBLAYERS`` entry."""

    #: The path as given (``~`` expanded, trailing ``/`` stripped, like BitBake does).
    path: Path
    #: The directory exists.
    exists: bool
    #: ``conf/layer.conf`` exists and was read.
    has_layer_conf: bool = False
    collections: tuple[Collection, ...] = ()
    #: ``LAYERSERIES_CORENAMES``: set by the core layer only; names the release.
    corenames: tuple[str, ...] = ()
    git: GitInfo | None = None
    #: Why layer.conf could not be read, when it could not.
    error: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The collection names, in ``BBFILE_COLLECTIONS`` order."""
        return tuple(c.name for c in self.collections)


def describe_layers(paths: Iterable[str | Path]) -> tuple[LayerInfo, ...]:
    """Describe every layer directory, in the order given."""
    return tuple(describe_layer(p) for p in paths)


def describe_layer(path: str | Path) -> LayerInfo:
    """Describe one layer directory; a missing directory is reported, not raised."""
    layer = Path(str(path).rstrip("/") or "/").expanduser()
    if not layer.is_dir():
        return LayerInfo(path=layer, exists=False)
    git = git_info(layer)
    conf = layer / "conf" / "layer.conf"
    if not conf.is_file():
        return LayerInfo(path=layer, exists=True, git=git)
    try:
        values = read_layer_conf(conf, layer)
    except ConfdriftError as exc:
        return LayerInfo(path=layer, exists=True, git=git, error=str(exc))
    return LayerInfo(
        path=layer,
        exists=True,
        has_layer_conf=True,
        collections=_collections(values),
        corenames=tuple(values.get("LAYERSERIES_CORENAMES", "").split()),
        git=git,
    )


def _collections(values: dict[str, str]) -> tuple[Collection, ...]:
    names = dict.fromkeys(values.get("BBFILE_COLLECTIONS", "").split())
    return tuple(
        Collection(
            name=name,
            priority=_stripped(values.get(f"BBFILE_PRIORITY_{name}")),
            series_compat=tuple(values.get(f"LAYERSERIES_COMPAT_{name}", "").split()),
            version=_stripped(values.get(f"LAYERVERSION_{name}")),
            depends=_stripped(values.get(f"LAYERDEPENDS_{name}")),
        )
        for name in names
    )


def _stripped(value: str | None) -> str | None:
    return None if value is None else " ".join(value.split())


# --- layer.conf ---------------------------------------------------------------------------


def read_layer_conf(conf: Path, layerdir: Path) -> dict[str, str]:
    """Evaluate the plain assignments of a layer.conf, in file order.

    Only what identifies a layer needs to be right here, so the rules are deliberately few:
    the eight operators, ``:append``/``:prepend``/``:remove`` (applied at once, which is
    what BitBake's result is for variables nobody overrides), and ``${VAR}`` from the same
    file (``LAYERDIR`` is the layer). Inline Python and unknown references stay as written;
    lines BitBake would reject are skipped here (loading the build reports them).
    """
    parsed = parse_file(conf, recover=True)
    values: dict[str, str] = {"LAYERDIR": str(layerdir)}
    for st in parsed.statements:
        if st.kind is Kind.ASSIGN and st.name and st.op and st.flag is None:
            _apply(values, st.name, st.op, st.value or "")
    del values["LAYERDIR"]
    return values


def _expand(value: str, values: dict[str, str]) -> str:
    return _VAR_REF.sub(lambda m: values.get(m[1], m[0]), value)


def _apply(values: dict[str, str], name: str, op: str, value: str) -> None:
    base, _, suffix = name.partition(":")
    if suffix in ("append", "prepend", "remove"):
        old = values.get(base, "")
        new = _expand(value, values)
        values[base] = _override_op(suffix, old, new)
        return
    if suffix:
        return  # an override variant: not active in the base configuration we describe
    old_value = values.get(name)
    new = _expand(value, values)
    values[name] = _op(op, old_value, new)


def _override_op(kind: str, old: str, new: str) -> str:
    if kind == "append":
        return old + new
    if kind == "prepend":
        return new + old
    gone = set(new.split())
    return " ".join(w for w in old.split() if w not in gone)


def _op(op: str, old: str | None, new: str) -> str:
    if op in ("=", ":="):
        return new
    if op in ("?=", "??="):
        return new if old is None else old
    # BitBake appends to an unset variable as to "" (``+=`` then leaves a leading space).
    return _join(op, old or "", new)


def _join(op: str, old: str, new: str) -> str:
    if op == "+=":
        return f"{old} {new}"
    if op == "=+":
        return f"{new} {old}"
    if op == ".=":
        return old + new
    return new + old  # "=."


# --- git ----------------------------------------------------------------------------------


def git_info(path: Path) -> GitInfo | None:
    """The git checkout containing ``path`` and its HEAD commit, or ``None`` outside git."""
    found = find_git_dir(path)
    if found is None:
        return None
    root, gitdir = found
    try:
        commit, branch = _read_head(gitdir)
    except OSError:
        commit, branch = _rev_parse(root), None
    if commit is None and branch is None:
        commit = _rev_parse(root)
    return GitInfo(root=root, commit=commit, branch=branch)


def find_git_dir(path: Path) -> tuple[Path, Path] | None:
    """The nearest work tree top at or above ``path`` and its git directory."""
    for candidate in (path, *path.parents):
        dotgit = candidate / ".git"
        if dotgit.is_dir():
            return candidate, dotgit
        if dotgit.is_file():
            gitdir = _gitdir_from_file(dotgit)
            if gitdir is not None:
                return candidate, gitdir
    return None


def _gitdir_from_file(dotgit: Path) -> Path | None:
    # Worktrees and submodules have a ".git" file: "gitdir: <path>".
    try:
        text = dotgit.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith("gitdir:"):
        return None
    gitdir = Path(text[len("gitdir:") :].strip())
    return gitdir if gitdir.is_absolute() else (dotgit.parent / gitdir).resolve()


def _read_head(gitdir: Path) -> tuple[str | None, str | None]:
    head = (gitdir / "HEAD").read_text(encoding="utf-8").strip()
    if _SHA.match(head):
        return head, None
    if not head.startswith("ref:"):
        return None, None
    ref = head[len("ref:") :].strip()
    branch = ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None
    return _resolve_ref(gitdir, ref), branch


def _common_dir(gitdir: Path) -> Path:
    # A linked worktree keeps its own HEAD but shares refs with the main repository.
    try:
        common = (gitdir / "commondir").read_text(encoding="utf-8").strip()
    except OSError:
        return gitdir
    path = Path(common)
    return path if path.is_absolute() else (gitdir / path).resolve()


def _resolve_ref(gitdir: Path, ref: str, depth: int = 0) -> str | None:
    if depth > 5:
        return None
    for base in dict.fromkeys((gitdir, _common_dir(gitdir))):
        loose = base / ref
        if loose.is_file():
            value = loose.read_text(encoding="utf-8").strip()
            if value.startswith("ref:"):
                return _resolve_ref(gitdir, value[4:].strip(), depth + 1)
            return value if _SHA.match(value) else None
        packed = _packed_ref(base / "packed-refs", ref)
        if packed is not None:
            return packed
    return None


def _packed_ref(packed_refs: Path, ref: str) -> str | None:
    if not packed_refs.is_file():
        return None
    for line in packed_refs.read_text(encoding="utf-8").splitlines():
        sha, _, name = line.partition(" ")
        if name == ref and _SHA.match(sha):
            return sha
    return None


def _rev_parse(root: Path) -> str | None:
    # Fallback for repositories we cannot read directly (e.g. the reftable format).
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--verify", "-q", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    sha = out.stdout.strip()
    return sha if out.returncode == 0 and _SHA.match(sha) else None
