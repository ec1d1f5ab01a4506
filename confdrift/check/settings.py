"""confdrift's settings: defaults < configuration file < command line, merged in one place.

The file is ``.confdrift.toml`` (top-level keys) or ``pyproject.toml`` (``[tool.confdrift]``),
found by walking up from the working directory; ``.confdrift.toml`` wins in the same
directory. Paths in a file are relative to that file's directory. Example::

    [tool.confdrift]
    parent = "../parent-build/conf/local.conf"
    release = "scarthgap"
    fail-on = "warning"
    ignore = ["CD3", "layer-drift"]

    [tool.confdrift.severity]
    CD101 = "warning"

    [[tool.confdrift.per-path]]
    path = "**/site.conf"
    ignore = ["CD104"]

    [tool.confdrift.limits]
    max-file-size = 4194304
"""

from __future__ import annotations

import fnmatch
import functools
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from confdrift.errors import UsageError
from confdrift.findings import Finding, Severity
from confdrift.limits import Limits

CONFIG_FILES = (".confdrift.toml", "pyproject.toml")


@functools.cache  # compiled on first use, not at import
def _code() -> re.Pattern[str]:
    return re.compile(r"^CD[0-9]{0,3}$")


class PerPath(NamedTuple):
    """Extra selection for the files matching a glob (relative to the config file)."""

    path: str
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


class Settings(NamedTuple):
    """Everything a run is configured with; built only by :func:`load_settings`."""

    parent: str | None = None
    release: str | None = None
    layers: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR
    #: Codes, code prefixes or rule names; empty ``select`` means every rule.
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = MappingProxyType({})
    per_path: tuple[PerPath, ...] = ()
    parent_hashserv: str | None = None
    parent_sstate: str | None = None
    parent_downloads: str | None = None
    #: ``--probe``: connect to the services the child is wired to (command line only).
    probe: bool = False
    limits: Limits = Limits()
    #: The configuration file the settings came from, if any.
    config_file: str | None = None
    #: The directory per-path globs are relative to.
    root: str = "."


def load_settings(
    cli: Mapping[str, Any] | None = None,
    *,
    cwd: Path | None = None,
    config: Path | None = None,
) -> Settings:
    """Settings from the configuration file (``config``, or found upward from ``cwd``) and
    the command line's values (``Settings`` field names; ``None`` means "not given")."""
    start = (cwd or Path.cwd()).resolve()
    found = _read_config(config) if config else find_config(start)
    file_values = _convert(*found) if found else {}
    root = str(found[0].parent) if found else str(start)
    return merge(file_values, cli or {}, root=root, config_file=str(found[0]) if found else None)


def merge(
    file_values: Mapping[str, Any], cli: Mapping[str, Any], *, root: str, config_file: str | None
) -> Settings:
    """The one place where defaults, file values and command-line values meet."""
    given = {key: value for key, value in cli.items() if value is not None}
    return Settings(**{**file_values, **given, "root": root, "config_file": config_file})


def find_config(start: Path) -> tuple[Path, Mapping[str, Any]] | None:
    """The nearest configuration file at or above ``start`` and its confdrift table."""
    for directory in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = directory / name
            table = _table(candidate) if candidate.is_file() else None
            if table is not None:
                return candidate, table
    return None


def _read_config(path: Path) -> tuple[Path, Mapping[str, Any]]:
    if not path.is_file():
        raise UsageError("configuration file not found", str(path))
    table = _table(path)
    if table is None:
        raise UsageError("no [tool.confdrift] table", str(path))
    return path.resolve(), table


def _table(path: Path) -> Mapping[str, Any] | None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib

    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, RecursionError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read configuration: {exc}", str(path)) from exc
    if path.name != "pyproject.toml":
        return document
    table = document.get("tool", {}).get("confdrift")
    return table if isinstance(table, dict) else None


def _convert(path: Path, table: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, raw in table.items():
        converter = _CONVERTERS.get(key)
        if converter is None:
            raise UsageError(f"unknown configuration key {key!r}", str(path))
        values[key.replace("-", "_")] = converter(raw, _Where(path, key))
    return values


class _Where(NamedTuple):
    """Which file and key a value came from, for error messages and relative paths."""

    path: Path
    key: str

    def error(self, expected: str, value: object) -> UsageError:
        return UsageError(f"{self.key}: expected {expected}, got {value!r}", str(self.path))


def _string(raw: object, where: _Where) -> str:
    if not isinstance(raw, str):
        raise where.error("a string", raw)
    return raw


def _path(raw: object, where: _Where) -> str:
    return str(where.path.parent / _string(raw, where))


def _location(raw: object, where: _Where) -> str:
    # A mirror is a URL or a directory; only a directory is relative to the config file.
    text = _string(raw, where)
    return text if "://" in text else _path(text, where)


def _strings(raw: object, where: _Where) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        raise where.error("a list of strings", raw)
    return tuple(_string(item, where) for item in raw)


def _paths(raw: object, where: _Where) -> tuple[str, ...]:
    return tuple(_path(item, where) for item in _strings(raw, where))


def _severity(raw: object, where: _Where) -> Severity:
    try:
        return Severity(_string(raw, where).lower())
    except ValueError:
        raise where.error("one of error, warning, info", raw) from None


def _codes(raw: object, where: _Where) -> tuple[str, ...]:
    return tuple(normalize_code(item, where) for item in _strings(raw, where))


def normalize_code(entry: str, where: _Where | None = None) -> str:
    """A code or code prefix (upper-cased), or a rule name turned into its code."""
    code = entry.strip().upper()
    from confdrift.rules import all_rules, lookup

    if _code().match(code) and any(r.code.startswith(code) for r in all_rules()):
        return code  # a code, or a prefix of some (CD1 selects every signature rule)
    rule = None if _code().match(code) else lookup(entry)
    if rule is None:
        message = f"unknown rule code or name {entry!r}"
        if where is None:
            raise UsageError(message)
        raise UsageError(f"{where.key}: {message}", str(where.path))
    return rule.code


def _severity_table(raw: object, where: _Where) -> Mapping[str, Severity]:
    if not isinstance(raw, dict):
        raise where.error("a table of code = severity", raw)
    return MappingProxyType({normalize_code(k, where): _severity(v, where) for k, v in raw.items()})


def _limits(raw: object, where: _Where) -> Limits:
    if not isinstance(raw, dict):
        raise where.error("a table of limits", raw)
    known = {f.replace("_", "-") for f in Limits._fields}
    values = {}
    for key, value in raw.items():
        if key not in known:
            raise UsageError(f"unknown configuration key 'limits.{key}'", str(where.path))
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise where.error(f"a positive integer for {key}", value)
        values[key.replace("-", "_")] = value
    return Limits(**values)


def _per_path(raw: object, where: _Where) -> tuple[PerPath, ...]:
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise where.error("an array of tables ([[per-path]])", raw)
    return tuple(_one_per_path(item, where) for item in raw)


def _one_per_path(item: Mapping[str, object], where: _Where) -> PerPath:
    unknown = set(item) - {"path", "select", "ignore"}
    if unknown:
        raise UsageError(f"unknown configuration key 'per-path.{min(unknown)}'", str(where.path))
    if "path" not in item:
        raise UsageError("per-path: every entry needs a 'path' glob", str(where.path))
    return PerPath(
        path=_string(item["path"], where),
        select=_codes(item.get("select", []), where),
        ignore=_codes(item.get("ignore", []), where),
    )


_CONVERTERS = {
    "parent": _path,
    "release": _string,
    "layers": _paths,
    "fail-on": _severity,
    "select": _codes,
    "ignore": _codes,
    "severity": _severity_table,
    "per-path": _per_path,
    "parent-hashserv": _string,
    "parent-sstate": _location,
    "parent-downloads": _location,
    "limits": _limits,
}


def apply_settings(findings: Iterable[Finding], settings: Settings) -> list[Finding]:
    """The findings the settings select, with their configured severity."""
    kept = []
    for f in findings:
        select, ignore = _selection_for(f, settings)
        if is_selected(f.code, select, ignore):
            kept.append(_with_severity(f, settings.severity))
    return kept


def is_selected(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    """flake8's decision: the longer matching prefix wins; a tie means ignored."""
    selected = _longest_match(code, select) if select else 0
    return selected >= 0 and selected > _longest_match(code, ignore)


def _longest_match(code: str, prefixes: Iterable[str]) -> int:
    return max((len(p) for p in prefixes if code.startswith(p)), default=-1)


def _selection_for(f: Finding, settings: Settings) -> tuple[tuple[str, ...], tuple[str, ...]]:
    select, ignore = settings.select, settings.ignore
    if f.location is None:
        return select, ignore
    for entry in settings.per_path:
        if path_matches(f.location.file, entry.path, Path(settings.root)):
            select, ignore = select + entry.select, ignore + entry.ignore
    return select, ignore


def path_matches(path: str, pattern: str, root: Path) -> bool:
    """Whether ``path`` matches the glob ``pattern`` (relative to ``root``; ``**/`` optional)."""
    candidate = Path(path)
    rel = candidate.resolve().relative_to(root.resolve()) if _inside(candidate, root) else candidate
    text = rel.as_posix()
    if "/" not in pattern:
        return fnmatch.fnmatchcase(rel.name, pattern)
    return fnmatch.fnmatchcase(text, pattern) or fnmatch.fnmatchcase(
        text, pattern.removeprefix("**/")
    )


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def _with_severity(f: Finding, table: Mapping[str, Severity]) -> Finding:
    best = max((p for p in table if f.code.startswith(p)), key=len, default=None)
    return f if best is None else f._replace(severity=table[best])
