"""Read a kas project file and produce the ``local.conf`` and ``bblayers.conf`` kas would write.

Followed: kas 5.4 (siemens/kas commit 81bab529, file format versions 1 to 23):
``includehandler.py`` (include order, merge, lock files), ``config.py`` (headers, machine,
distro, targets) and ``libcmds.py`` ``WriteBBConfig`` (the generated text). kas itself is not
run: no network, no checkout. Repositories that are not on disk are still named in
``BBLAYERS`` (kas writes them after cloning); includes from such repositories cannot be read
and are listed in :attr:`KasConfig.unresolved_includes`.

The environment kas consults (``KAS_MACHINE``, ``KAS_DISTRO``, ``KAS_TARGET``, ``KAS_TASK``,
``KAS_WORK_DIR``, ``KAS_BUILD_DIR`` and ``env:`` values) is a parameter, empty by default, so
reading a file is a pure function of the files.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from confdrift.build.layers import find_git_dir
from confdrift.errors import InputError, LimitError

#: File format versions kas 5.4 accepts ("0.10" is version 1).
MIN_VERSION, MAX_VERSION = 1, 23
_DEFAULTS = {"machine": "qemux86-64", "distro": "nodistro", "target": "core-image-minimal"}
_DISABLED = ("disabled", "excluded", "n", "no", "0", "false", 0)  # incl. kas's legacy tokens
_MAX_INCLUDE_DEPTH = 50


@dataclass(frozen=True, slots=True)
class KasLayer:
    """One layer kas puts into ``BBLAYERS``."""

    repo: str  #: the repository's ``name`` (its key unless ``name:`` is set)
    name: str  #: the layer directory inside the repository ('' = the repository itself)
    priority: int
    path: Path

    def sort_key(self) -> tuple[int, str, str]:
        # kas: higher priority first, then repository name, then layer name.
        return (-self.priority, self.repo, self.name)


@dataclass(frozen=True, slots=True)
class KasRepo:
    """A ``repos:`` entry, as far as it can be known without fetching."""

    key: str
    name: str
    path: Path
    url: str | None = None
    commit: str | None = None
    branch: str | None = None
    tag: str | None = None
    #: The deprecated ``refspec`` (a branch or a commit), used instead of the three above.
    refspec: str | None = None
    #: The repository directory exists on this machine.
    present: bool = False
    layers: tuple[KasLayer, ...] = ()


@dataclass(frozen=True)
class KasConfig:
    """A kas project after includes and lock files are merged."""

    path: Path
    #: Every file merged, in merge order (later ones win).
    files: tuple[Path, ...]
    #: The merged configuration (plain YAML data).
    data: Mapping[str, Any]
    version: int
    work_dir: Path
    build_dir: Path
    machine: str
    distro: str
    targets: tuple[str, ...]
    build_system: str
    repos: tuple[KasRepo, ...]
    env: Mapping[str, str | None] = field(default_factory=dict)
    #: Includes that could not be read, e.g. ``repo meta-foo (not on disk): kas/x.yml``.
    unresolved_includes: tuple[str, ...] = ()
    #: The text kas writes into ``conf/local.conf``.
    local_conf: str = ""
    #: The text kas writes into ``conf/bblayers.conf``.
    bblayers_conf: str = ""

    @property
    def bitbake_env(self) -> dict[str, str]:
        """``env:`` variables that have a value: kas passes them to BitBake through
        ``BB_ENV_PASSTHROUGH_ADDITIONS``, so they set BitBake variables of the same name."""
        return {k: v for k, v in self.env.items() if v is not None}

    @property
    def layers(self) -> tuple[KasLayer, ...]:
        """All layers in the order kas writes them into ``BBLAYERS``."""
        return tuple(sorted((x for r in self.repos for x in r.layers), key=KasLayer.sort_key))


def is_kas_file(path: Path) -> bool:
    """A ``.yml``/``.yaml`` file, or a ``.json`` file whose top level has a ``header`` key."""
    if path.suffix in (".yml", ".yaml"):
        return True
    if path.suffix != ".json":
        return False
    data = _load_data(path)
    return isinstance(data, dict) and "header" in data


def load_kas(
    path: str | Path | Sequence[str | Path],
    *,
    work_dir: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> KasConfig:
    """Read a kas file with its includes; ``work_dir`` defaults to the top repository.

    ``path`` may name several files, as a sequence or kas's ``a.yml:b.yml`` string: they
    are merged in order, like ``kas build a.yml:b.yml``. kas's own default work dir is the
    current directory; the project's top repository (the git work tree holding the file,
    else the file's directory) is where people usually run kas, and keeps the result
    independent of where confdrift runs.
    """
    tops = top_files(path)
    env = dict(environ or {})
    work = Path(work_dir or env.get("KAS_WORK_DIR") or repo_root(tops[0].parent)).absolute()
    walk = _Walk(top_repo=_top_repo(tops), work_dir=work)
    merged = _merge_all(walk, tops)
    build = Path(env.get("KAS_BUILD_DIR") or work / "build").absolute()
    return _build_config(walk, tops[0], merged, build, env)


def top_files(path: str | Path | Sequence[str | Path]) -> tuple[Path, ...]:
    """The files of a kas command line argument (``a.yml:b.yml`` is two), made absolute."""
    if isinstance(path, str):
        parts: Sequence[str | Path] = [p for p in path.split(":") if p] or [path]
    elif isinstance(path, Path):
        parts = [path]
    else:
        parts = path
    if not parts:
        raise InputError("no kas file given")
    return tuple(Path(p).absolute() for p in parts)


def _top_repo(tops: tuple[Path, ...]) -> Path:
    roots = {repo_root(top.parent) for top in tops}
    if len(roots) > 1:
        raise InputError(
            "all concatenated kas files must belong to the same repository", str(tops[-1])
        )
    # "_source_dir" (written by kas-container into generated files) names the top repo.
    source_dir = _load_checked(tops[0]).get("_source_dir")
    return Path(source_dir) if isinstance(source_dir, str) else roots.pop()


def repo_root(directory: Path) -> Path:
    """The top of the version-controlled tree containing ``directory`` (kas's repo root).

    For a submodule kas uses the superproject, so a ``.git`` file pointing into another
    repository's ``modules/`` directory is followed one level up.
    """
    found = find_git_dir(directory)
    if found is None:
        return directory
    root, gitdir = found
    if "modules" in gitdir.parts and root.parent != root:
        outer = find_git_dir(root.parent)
        if outer is not None:
            return outer[0]
    return root


# --- reading and merging ------------------------------------------------------------------


def _load_data(path: Path) -> Any:
    from confdrift.syntax.cache import read_source

    # Bounded and never blocking: the same reader (and file-size limit) as .conf files.
    raw = read_source(str(path))
    try:
        return _bounded(_parse_data(path, raw), path)
    except RecursionError:
        raise InputError("kas file nests too deeply", str(path)) from None


#: YAML aliases share nodes, so a small file can stand for billions of them ("billion
#: laughs"); merging walks every one. No real kas file comes near this many.
MAX_NODES = 1_000_000


def _bounded(data: Any, path: Path) -> Any:
    """``data``, after checking that walking it (aliases expanded) visits few enough nodes."""
    stack, seen = [data], 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            raise LimitError(f"kas file expands to over {MAX_NODES} values (YAML aliases?)",
                             str(path))
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return data


def _parse_data(path: Path, raw: bytes) -> Any:
    if path.suffix == ".json":
        try:
            return json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            line = getattr(exc, "lineno", None)
            raise InputError(f"kas file is not valid JSON: {exc}", str(path), line) from exc
    import yaml  # only kas projects need it; plain .conf checks stay fast to start

    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or "syntax error"
        raise InputError(f"kas file is not valid YAML: {problem}", str(path), line) from exc


def _load_checked(path: Path) -> dict[str, Any]:
    if path.suffix not in (".yml", ".yaml", ".json"):
        raise InputError("kas file extension not recognized (.yml, .yaml, .json)", str(path))
    if not path.is_file():
        raise InputError("kas file not found", str(path))
    data = _load_data(path)
    if not isinstance(data, dict):
        raise InputError("kas file does not contain a mapping at the top level", str(path))
    _file_version(data, path)
    return data


def _file_version(data: Mapping[str, Any], path: Path) -> int:
    header = data.get("header")
    if not isinstance(header, dict) or "version" not in header:
        raise InputError("not a kas file: no 'header: version:'", str(path))
    raw = header["version"]
    if raw == "0.10":
        return 1
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise InputError(f"kas header version must be an integer, not {raw!r}", str(path))
    if not MIN_VERSION <= raw <= MAX_VERSION:
        raise InputError(
            f"kas file format version {raw} is outside {MIN_VERSION}..{MAX_VERSION} "
            "(the range kas 5.4 reads)",
            str(path),
        )
    return raw


@dataclass
class _Walk:
    """Mutable state of one include walk (kept local to :func:`_merge_all`)."""

    top_repo: Path
    work_dir: Path
    files: list[tuple[Path, dict[str, Any]]] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    stack: list[Path] = field(default_factory=list)
    cache: dict[Path, dict[str, Any]] = field(default_factory=dict)

    def load(self, path: Path) -> dict[str, Any]:
        if path not in self.cache:
            self.cache[path] = _load_checked(path)
        return self.cache[path]


def _merge_all(walk: _Walk, tops: tuple[Path, ...]) -> dict[str, Any]:
    for top in tops:
        _visit(walk, top, walk.top_repo)
    merged: dict[str, Any] = {}
    for _, data in walk.files:
        merged = merge(merged, data)
    # Like kas, the merged file claims the highest version any of its parts uses.
    versions = [_file_version(d, p) for p, d in walk.files]
    merged["header"] = {**merged["header"], "version": max(versions)}
    return merged


def _visit(walk: _Walk, path: Path, repo_path: Path, lockfile: bool = False) -> None:
    """Depth first, like kas: the lock file, then the includes in order, then the file."""
    if path in walk.stack or len(walk.stack) > _MAX_INCLUDE_DEPTH:
        raise InputError("kas include loop", str(path))
    data = walk.load(path)
    walk.stack.append(path)
    lock = path.with_name(f"{path.stem}.lock{path.suffix}")
    if not lockfile and lock.is_file():
        _visit(walk, lock, repo_path, lockfile=True)
    includes = data["header"].get("includes") or []
    if not isinstance(includes, list):
        raise InputError("'header: includes' must be a list", str(path))
    for include in includes:
        _visit_include(walk, path, repo_path, include)
    walk.files.append((path, data))
    walk.stack.pop()


def _visit_include(walk: _Walk, current: Path, repo_path: Path, include: object) -> None:
    if isinstance(include, str):
        target = _inside(repo_path, include, current)
        if not target.exists():
            alternate = _inside(current.parent, include, current)
            target = alternate if alternate.exists() else target
        if not target.is_file():
            raise InputError(f"kas include not found: {include}", str(current))
        _visit(walk, target, repo_path)
        return
    if not isinstance(include, dict) or "file" not in include or "repo" not in include:
        raise InputError(f"invalid include {include!r}: needs 'repo' and 'file'", str(current))
    repo_dir = _include_repo_dir(walk, str(include["repo"]), current)
    if repo_dir is None:
        walk.unresolved.append(f"repo {include['repo']} (not on disk): {include['file']}")
        return
    _visit(walk, _inside(repo_dir, str(include["file"]), current), repo_dir)


def _inside(base: Path, include: str, current: Path) -> Path:
    # kas refuses includes that leave the repository; so do we, with the including file named.
    candidate = (base / include).resolve()
    if not candidate.is_relative_to(base.resolve()):
        raise InputError(f"include {include} resolves outside repository {base}", str(current))
    return candidate


def _include_repo_dir(walk: _Walk, key: str, current: Path) -> Path | None:
    # kas resolves repositories over several passes until none is missing; here the files
    # read so far plus the ones still being read (the including files) define them.
    merged: dict[str, Any] = {}
    for _, data in walk.files:
        merged = merge(merged, data)
    repos = {**_repos_in_stack(walk), **(merged.get("repos") or {})}
    if key not in repos:
        return None
    repo = _make_repo(key, repos[key] or {}, merged, walk, current)
    return repo.path if repo.present else None


def _repos_in_stack(walk: _Walk) -> dict[str, Any]:
    repos: dict[str, Any] = {}
    for path in walk.stack:
        data = walk.cache[path]
        if isinstance(data.get("repos"), dict):
            repos.update(data["repos"])
    return repos


def merge(dest: Mapping[str, Any], upd: Mapping[str, Any]) -> dict[str, Any]:
    """kas's merge: ``upd`` wins, mappings on both sides merge recursively, order kept."""
    result = dict(dest)
    for key, value in upd.items():
        old = result.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            result[key] = merge(old, value)
        else:
            result[key] = value
    return result


# --- the merged configuration ---------------------------------------------------------------


def _build_config(
    walk: _Walk, top: Path, data: dict[str, Any], build: Path, env: Mapping[str, str]
) -> KasConfig:
    config = KasConfig(
        path=top,
        files=tuple(p for p, _ in walk.files),
        data=data,
        version=int(data["header"]["version"]),
        work_dir=walk.work_dir,
        build_dir=build,
        machine=_setting(data, "machine", env, top),
        distro=_setting(data, "distro", env, top),
        targets=_targets(data, env, top),
        build_system=_build_system(data),
        repos=_repos(data, walk, top),
        env=_env(data, env, top),
        unresolved_includes=tuple(dict.fromkeys(walk.unresolved)),
    )
    local_conf = local_conf_text(config, top)
    return _replace_texts(config, local_conf, bblayers_conf_text(config, top))


def _replace_texts(config: KasConfig, local_conf: str, bblayers_conf: str) -> KasConfig:
    return replace(config, local_conf=local_conf, bblayers_conf=bblayers_conf)


def _setting(data: Mapping[str, Any], key: str, env: Mapping[str, str], top: Path) -> str:
    value = env.get(f"KAS_{key.upper()}") or data.get(key, _DEFAULTS[key])
    if not isinstance(value, str):
        raise InputError(f"'{key}' must be a string, not {value!r}", str(top))
    return value


def _targets(data: Mapping[str, Any], env: Mapping[str, str], top: Path) -> tuple[str, ...]:
    from_env = env.get("KAS_TARGET", "").split()
    if from_env:
        return tuple(from_env)
    target = data.get("target", _DEFAULTS["target"])
    if isinstance(target, str):
        return (target,)
    if isinstance(target, list) and all(isinstance(t, str) for t in target):
        return tuple(target)
    raise InputError(f"'target' must be a string or a list of strings: {target!r}", str(top))


def _build_system(data: Mapping[str, Any]) -> str:
    system = str(data.get("build_system", "openembedded"))
    return "isar-privileged" if system == "isar" else system


def _env(data: Mapping[str, Any], env: Mapping[str, str], top: Path) -> dict[str, str | None]:
    declared = data.get("env") or {}
    if not isinstance(declared, dict):
        raise InputError("'env' must be a mapping", str(top))
    return {str(k): env.get(str(k), None if v is None else str(v)) for k, v in declared.items()}


def _repos(data: Mapping[str, Any], walk: _Walk, top: Path) -> tuple[KasRepo, ...]:
    repos = data.get("repos") or {}
    if not isinstance(repos, dict):
        raise InputError("'repos' must be a mapping", str(top))
    return tuple(_make_repo(str(k), v or {}, data, walk, top) for k, v in repos.items())


def _make_repo(
    key: str, config: Any, data: Mapping[str, Any], walk: _Walk, top: Path | None = None
) -> KasRepo:
    where = str(top) if top else None
    if not isinstance(config, dict):
        raise InputError(f"repo {key}: expected a mapping", where)
    name = str(config.get("name", key))
    url = config.get("url")
    refs = _refs(key, name, url, config, data, where)
    path = _repo_path(name, url, config.get("path"), walk)
    return KasRepo(
        key=key,
        name=name,
        path=path,
        url=url,
        **refs,
        present=path.is_dir(),
        layers=_layers(name, path, config.get("layers"), top),
    )


def _refs(
    key: str,
    name: str,
    url: object,
    config: Mapping[str, Any],
    data: Mapping[str, Any],
    where: str | None,
) -> dict[str, Any]:
    """commit/branch/tag after ``defaults`` and lock-file ``overrides``; kas's ref errors."""
    defaults = _submap(_submap(data, "defaults"), "repos")
    pinned = _submap(_submap(_submap(data, "overrides"), "repos"), key)
    refs = {k: config.get(k, defaults.get(k)) for k in ("tag", "branch", "refspec")}
    refs["commit"] = config.get("commit")
    if url is not None and not any(refs.values()):
        raise InputError(f'repo "{name}": no commit, tag or branch (only local repos)', where)
    if refs["refspec"] is not None:
        if any(refs[k] is not None for k in ("commit", "tag", "branch")):
            raise InputError(f'repo "{name}": legacy refspec mixed with commit/tag/branch', where)
        # A lock file's commit replaces a legacy refspec, as in kas.
        return {"refspec": pinned.get("commit", refs["refspec"])}
    return {
        "commit": pinned.get("commit", refs["commit"]),
        "branch": pinned.get("branch", refs["branch"]),
        "tag": refs["tag"],
    }


def _submap(data: Any, key: str) -> Mapping[str, Any]:
    value = data.get(key) if isinstance(data, Mapping) else None
    return value if isinstance(value, Mapping) else {}


def _repo_path(name: str, url: object, path: object, walk: _Walk) -> Path:
    if path is None:
        # A repo without url and path is the one holding the kas file; a remote one is
        # cloned into the work dir under its name.
        return walk.top_repo if url is None else walk.work_dir / name
    return walk.work_dir / str(path)  # an absolute path replaces work_dir here


def _layers(repo: str, path: Path, layers: Any, top: Path | None) -> tuple[KasLayer, ...]:
    if layers is None:
        layers = {"": None}
    if not isinstance(layers, dict):
        raise InputError(f"repo {repo}: 'layers' must be a mapping", str(top) if top else None)
    result = []
    for name, props in layers.items():
        if props in _DISABLED and props is not None:
            continue
        prio = props.get("prio", 0) if isinstance(props, dict) else 0
        if props is not None and not isinstance(props, dict):
            raise InputError(f"repo {repo}: bad value for layer {name}", str(top) if top else None)
        result.append(KasLayer(repo=repo, name=str(name), priority=int(prio), path=path / name))
    return tuple(result)


# --- the generated text ---------------------------------------------------------------------


def conf_header(data: Mapping[str, Any], key: str, top: Path) -> str:
    """``# <name>`` then the block, for every entry in sorted name order (kas's header)."""
    blocks = data.get(key) or {}
    if not isinstance(blocks, dict):
        raise InputError(f"'{key}' must be a mapping of names to text", str(top))
    text = []
    for name, block in sorted(blocks.items(), key=lambda kv: str(kv[0])):
        if not isinstance(block, str):
            raise InputError(f"{key}: '{name}' must be a string, not {block!r}", str(top))
        text.append(f"# {name}\n{block}\n")
    return "".join(text)


def local_conf_text(config: KasConfig, top: Path) -> str:
    """The ``conf/local.conf`` kas writes."""
    lines = [
        conf_header(config.data, "local_conf_header", top),
        f'MACHINE ??= "{config.machine}"\n',
        f'DISTRO ??= "{config.distro}"\n',
        f'BBMULTICONFIG ?= "{_multiconfig(config.targets)}"\n',
    ]
    if config.build_system == "isar-rootless":
        lines.append('ISAR_ROOTLESS ?= "1"\n')
    return "".join(lines)


def _multiconfig(targets: tuple[str, ...]) -> str:
    # kas joins a set, so its order is arbitrary for several multiconfigs; ours is first-seen.
    names = (t.split(":")[1] for t in targets if t.startswith(("mc:", "multiconfig:")))
    return " ".join(dict.fromkeys(names))


def bblayers_conf_text(config: KasConfig, top: Path) -> str:
    """The ``conf/bblayers.conf`` kas writes; layers relative to ``${TOPDIR}`` (the build dir)."""
    layers = [
        "${TOPDIR}/" + os.path.relpath(layer.path, config.build_dir) for layer in config.layers
    ]
    return (
        conf_header(config.data, "bblayers_conf_header", top)
        + 'BBLAYERS ?= " \\\n    '
        + " \\\n    ".join(layers)
        + '"\n'
        + 'BBPATH ?= "${TOPDIR}"\n'
        + 'BBFILES ??= ""\n'
    )
