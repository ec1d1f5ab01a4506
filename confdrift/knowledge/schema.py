"""Turn the knowledge-base TOML documents into typed values, refusing anything unknown.

A bad data file is a bug in confdrift, not in the user's input, but it must still fail
loudly and name the entry and key: a silently ignored misspelt key would drop knowledge.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from confdrift.errors import ConfdriftError
from confdrift.findings import Severity
from confdrift.knowledge.model import (
    Compare,
    ItemReach,
    Measurement,
    Narrowing,
    ReleaseLists,
    Rename,
    Scope,
    VariableEntry,
)

TOP_KEYS = frozenset({"schema", "releases", "severity_by_scope", "recipes", "variables"})
REQUIRED = frozenset({"scope", "severity", "compare", "why", "evidence"})
OPTIONAL = frozenset(
    {"severity_reason", "renamed_from", "since", "hashed_via", "items", "item_default",
     "tail_severity", "measured", "note", "narrowed_by", "narrowed_scope"}
)
MEASURED_KEYS = frozenset(
    {"variation", "change", "parent", "child", "setscene_reusable", "tasks_changed", "item",
     "outcome"}
)
ITEM_KEYS = frozenset({"severity", "tasks", "note"})
IGNORE_KEYS = frozenset(
    {"oe_core_rev", "BB_HASHEXCLUDE_COMMON", "BB_BASEHASH_IGNORE_VARS",
     "BB_HASHCONFIG_IGNORE_VARS", "BB_SIGNATURE_EXCLUDE_FLAGS", "renamed"}
)
SCHEMA_VERSION = 1
#: A variable name, or a glob of them: ``*`` is the only wildcard (names may hold ``/``).
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-/.+*]*")


class KnowledgeError(ConfdriftError):
    """The packaged knowledge base is malformed (a confdrift bug, reported clearly)."""


def _fail(where: str, message: str) -> KnowledgeError:
    return KnowledgeError(f"{where}: {message}")


def _check_keys(where: str, table: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        known = ", ".join(sorted(allowed))
        raise _fail(where, f"unknown key(s) {', '.join(unknown)}; known: {known}")


def _enum(where: str, kind: type[Scope] | type[Severity] | type[Compare], raw: Any) -> Any:
    try:
        return kind(raw)
    except ValueError:
        known = ", ".join(member.value for member in kind)
        raise _fail(where, f"unknown {kind.__name__.lower()} {raw!r}; known: {known}") from None


def _strings(where: str, raw: Any) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
        raise _fail(where, "expected a list of strings")
    return tuple(raw)


def _text(where: str, raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise _fail(where, "expected non-empty text")
    # Paragraphs are wrapped in the file for reading; the value is one line of prose.
    return " ".join(raw.split())


def _release(where: str, raw: Any, releases: tuple[str, ...]) -> str:
    if raw not in releases:
        raise _fail(where, f"unknown release {raw!r}; known: {', '.join(releases)}")
    return str(raw)


def _item(where: str, name: str, raw: Any) -> ItemReach:
    if not isinstance(raw, Mapping):
        raise _fail(where, "expected a table")
    _check_keys(where, raw, ITEM_KEYS)
    tasks = raw.get("tasks")
    if tasks is not None and (not isinstance(tasks, int) or tasks < 0):
        raise _fail(where, "tasks must be a non-negative integer")
    severity = _enum(f"{where}.severity", Severity, raw.get("severity"))
    return ItemReach(name, severity, tasks, str(raw.get("note", "")))


def _percent(where: str, raw: Any) -> float | None:
    if raw is None:
        return None
    if not isinstance(raw, (int, float)) or not 0 <= raw <= 100:
        raise _fail(where, "expected a percentage between 0 and 100")
    return float(raw)


def _measurement(where: str, raw: Any) -> Measurement:
    if not isinstance(raw, Mapping):
        raise _fail(where, "expected a table")
    _check_keys(where, raw, MEASURED_KEYS)
    missing = sorted({"variation", "change", "parent", "child"} - set(raw))
    if missing:
        raise _fail(where, f"missing key(s) {', '.join(missing)}")
    reusable = _percent(f"{where}.setscene_reusable", raw.get("setscene_reusable"))
    changed = _percent(f"{where}.tasks_changed", raw.get("tasks_changed"))
    if (reusable is None or changed is None) and not raw.get("outcome"):
        raise _fail(where, "needs both figures, or an outcome saying why there are none")
    return Measurement(
        variation=str(raw["variation"]), change=str(raw["change"]), parent=str(raw["parent"]),
        child=str(raw["child"]), setscene_reusable=reusable, tasks_changed=changed,
        item=raw.get("item"), outcome=str(raw.get("outcome", "")),
    )


def _optional_severity(where: str, raw: Any) -> Severity | None:
    return None if raw is None else _enum(where, Severity, raw)


def _renames(where: str, raw: Any, releases: tuple[str, ...]) -> tuple[Rename, ...]:
    if not isinstance(raw, list):
        raise _fail(where, "expected a list of {name, release} tables")
    renames = []
    for i, rename in enumerate(raw):
        here = f"{where}[{i}]"
        if not isinstance(rename, Mapping):
            raise _fail(here, "expected a {name, release} table")
        _check_keys(here, rename, frozenset({"name", "release"}))
        renames.append(Rename(str(rename["name"]), _release(here, rename.get("release"), releases)))
    return tuple(renames)


def _items(where: str, raw: Any, compare: Compare) -> dict[str, ItemReach]:
    if not isinstance(raw, Mapping):
        raise _fail(where, "expected a table of words")
    if compare is not Compare.WORDS:
        raise _fail(where, "items need compare = \"words\"")
    return {word: _item(f"{where}.{word}", word, reach) for word, reach in raw.items()}


def _check_consistency(where: str, entry: VariableEntry, rule: Mapping[Scope, Severity]) -> None:
    # The documented rule: severity follows from scope unless evidence says otherwise.
    if entry.severity is not rule[entry.scope] and not entry.severity_reason:
        raise _fail(where, f"severity {entry.severity.value} differs from scope "
                           f"{entry.scope.value}'s {rule[entry.scope].value}: add severity_reason")
    if entry.tail_severity is not None and entry.compare is not Compare.LIST:
        raise _fail(where, "tail_severity needs compare = \"list\"")
    if entry.item_default is not None and entry.compare is not Compare.WORDS:
        raise _fail(where, "item_default needs compare = \"words\"")


def parse_entry(
    name: str, raw: Any, releases: tuple[str, ...], rule: Mapping[Scope, Severity]
) -> VariableEntry:
    where = f"variables.{name}"
    if not _NAME.fullmatch(name):
        raise _fail(where, "not a variable name (only '*' may be a wildcard)")
    if not isinstance(raw, Mapping):
        raise _fail(where, "expected a table")
    _check_keys(where, raw, REQUIRED | OPTIONAL)
    missing = sorted(REQUIRED - set(raw))
    if missing:
        raise _fail(where, f"missing key(s) {', '.join(missing)}")
    compare = _enum(f"{where}.compare", Compare, raw["compare"])
    since = raw.get("since")
    entry = VariableEntry(
        name=name,
        scope=_enum(f"{where}.scope", Scope, raw["scope"]),
        severity=_enum(f"{where}.severity", Severity, raw["severity"]),
        compare=compare,
        why=_text(f"{where}.why", raw["why"]),
        evidence=_strings(f"{where}.evidence", raw["evidence"]),
        severity_reason=_text(where, raw["severity_reason"]) if "severity_reason" in raw else "",
        renamed_from=_renames(f"{where}.renamed_from", raw.get("renamed_from", []), releases),
        since=None if since is None else _release(f"{where}.since", since, releases),
        hashed_via=_strings(f"{where}.hashed_via", raw.get("hashed_via", [])),
        items=_items(f"{where}.items", raw["items"], compare) if "items" in raw else {},
        item_default=_optional_severity(f"{where}.item_default", raw.get("item_default")),
        tail_severity=_optional_severity(f"{where}.tail_severity", raw.get("tail_severity")),
        measured=tuple(_measurement(f"{where}.measured[{i}]", m)
                       for i, m in enumerate(raw.get("measured", []))),
        note=_text(f"{where}.note", raw["note"]) if "note" in raw else "",
        narrowed=_narrowing(where, raw, rule),
    )
    _check_consistency(where, entry, rule)
    return entry


def _narrowing(where: str, raw: Mapping[str, Any],
               rule: Mapping[Scope, Severity]) -> Narrowing | None:
    if ("narrowed_by" in raw) != ("narrowed_scope" in raw):
        raise _fail(where, "narrowed_by and narrowed_scope go together")
    if "narrowed_by" not in raw:
        return None
    scope = _enum(f"{where}.narrowed_scope", Scope, raw["narrowed_scope"])
    return Narrowing(_text(f"{where}.narrowed_by", raw["narrowed_by"]), scope, rule[scope])


def severity_rule(raw: Any) -> dict[Scope, Severity]:
    """The scope -> default severity table; every scope must be present."""
    if not isinstance(raw, Mapping):
        raise _fail("severity_by_scope", "expected a table")
    rule = {_enum(f"severity_by_scope.{k}", Scope, k): _enum(f"severity_by_scope.{k}", Severity, v)
            for k, v in raw.items()}
    missing = sorted(s.value for s in Scope if s not in rule)
    if missing:
        raise _fail("severity_by_scope", f"missing scope(s) {', '.join(missing)}")
    return rule


def check_document(doc: Mapping[str, Any]) -> None:
    _check_keys("variables.toml", doc, TOP_KEYS)
    if doc.get("schema") != SCHEMA_VERSION:
        raise _fail("variables.toml", f"schema must be {SCHEMA_VERSION}, got {doc.get('schema')!r}")
    for key in ("severity_by_scope", "variables"):
        if key not in doc:
            raise _fail("variables.toml", f"missing key {key}")


def release_lists(release: str, raw: Any) -> ReleaseLists:
    where = f"ignore_vars.{release}"
    if not isinstance(raw, Mapping):
        raise _fail(where, "expected a table")
    _check_keys(where, raw, IGNORE_KEYS)
    renamed = raw.get("renamed", {})
    if not isinstance(renamed, Mapping):
        raise _fail(f"{where}.renamed", "expected a table")
    return ReleaseLists(
        release=release,
        basehash_ignore_vars=frozenset(_strings(where, raw.get("BB_BASEHASH_IGNORE_VARS"))),
        hashconfig_ignore_vars=frozenset(_strings(where, raw.get("BB_HASHCONFIG_IGNORE_VARS"))),
        signature_exclude_flags=frozenset(_strings(where, raw.get("BB_SIGNATURE_EXCLUDE_FLAGS"))),
        renamed={str(k): str(v) for k, v in renamed.items()},
    )
