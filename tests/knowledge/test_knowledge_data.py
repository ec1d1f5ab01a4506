"""The knowledge base against its sources: the research doc, the measurements, bitbake.conf.

Each test reads ../shared when it is there and skips cleanly when it is not.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers.environment import shared_missing

from confdrift.findings import Severity
from confdrift.knowledge import Measurement, Scope, VariableEntry, knowledge, normalise, verdict

SHARED = Path(__file__).resolve().parents[2] / "../shared"
DOC = SHARED / "research/sstate-knowledge.md"
RESULTS = SHARED / "signature-impact/results.json"

# `NAME` at the start of a backticked token: a BitBake variable (uppercase) or a class.
_TOKEN = re.compile(r"`([^`]+)`")
_CONF_LINE = re.compile(r"^([A-Za-z0-9_\-/.]+)((?::[a-z0-9_\-]+)*)\s*(\?\?=|\?=|\+=|=)")


def _doc() -> str:
    if not DOC.is_file():
        shared_missing("shared/research/sstate-knowledge.md not available")
    return DOC.read_text(encoding="utf-8")


def _results() -> dict[str, Any]:
    if not RESULTS.is_file():
        shared_missing("shared/signature-impact/results.json not available")
    data: dict[str, Any] = json.loads(RESULTS.read_text(encoding="utf-8"))
    return data


def _section(text: str, start: str, end: str) -> list[str]:
    body = text.split(start, 1)[1].split(end, 1)[0]
    return [line for line in body.splitlines() if line.startswith("| `")]


def _names_in_token(token: str) -> list[str]:
    """Variable (or class) names in one backticked token of a table cell."""
    inherited = re.match(r'INHERIT \+= "([\w-]+)"', token)
    if inherited:
        return [inherited[1]]
    name = token.split(" ", 1)[0]
    if name[:1] in ("_", ":") or name.startswith(("VAR", "conf/")):
        return []  # qualifiers (`_SDK`, `:append`), placeholders and file names
    head, _, tail = name.partition("/")
    if tail.isupper():  # `BB_HASHSERVE_USERNAME/PASSWORD`
        return [head, f"{head.rsplit('_', 1)[0]}_{tail}"]
    return [name]


def _known(name: str) -> bool:
    kb = knowledge()
    if name == name.lower():  # a class: INHERIT's per-class reach
        inherit = kb.entry("INHERIT")
        return inherit is not None and name in inherit.items
    if name.endswith("*"):
        return any(e.name.startswith(name[:-1]) for e in kb.entries())
    return kb.entry(name) is not None


def _table_names(start: str, end: str) -> list[str]:
    cells = [row.split("|")[1] for row in _section(_doc(), start, end)]
    return [n for cell in cells for token in _TOKEN.findall(cell) for n in _names_in_token(token)]


def test_every_variable_of_the_doc_table_has_an_entry() -> None:
    names = _table_names("## 1. Variable table", "\n## 2.")
    assert len(names) > 90, "the §1 table was not parsed"
    assert [n for n in names if not _known(n)] == []


def test_every_variable_the_doc_counts_in_signatures_has_an_entry() -> None:
    names = _table_names("### 3.2 Which variables", "### 3.3")
    assert len(names) > 30, "the §3.2 table was not parsed"
    assert [n for n in names if not _known(n)] == []


def _measured(variation: str) -> list[tuple[VariableEntry, Measurement]]:
    return [(e, m) for e in knowledge().entries() for m in e.measured if m.variation == variation]


def _conf_variables(conf: str) -> list[str]:
    lines = [line.strip() for line in conf.splitlines() if line.strip()]
    return [m[1] for m in map(_CONF_LINE.match, lines) if m]


def _variations() -> list[str]:
    if not RESULTS.is_file():
        return ["<results.json absent>"]
    return sorted(_results()["variations"])


@pytest.mark.parametrize("variation", _variations())
def test_every_measured_variation_is_recorded_with_its_figures(variation: str) -> None:
    data = _results()["variations"][variation]
    recorded = _measured(variation)
    assert recorded, f"no entry records {variation}"
    for name in _conf_variables(data["conf"]):
        entry = knowledge().entry(name)
        assert entry is not None, name
        assert any(e.name == entry.name for e, _ in recorded), f"{entry.name} lacks {variation}"
    for _, m in recorded:
        assert m.setscene_reusable == data.get("setscene_pct_reusable")
        assert m.tasks_changed == data.get("pct_differ")


def _band_allows(reusable: float, severity: Severity) -> bool:
    """The calibration: how much reuse a severity may describe."""
    if reusable < 90:
        return severity is Severity.ERROR
    if reusable < 99:
        return severity in (Severity.WARNING, Severity.ERROR)
    if reusable < 100:
        return True
    return severity is Severity.INFO


CALIBRATION = [(90.0, Severity.WARNING, True), (89.99, Severity.WARNING, False),
               (99.0, Severity.INFO, True), (98.99, Severity.INFO, False),
               (100.0, Severity.WARNING, False), (100.0, Severity.INFO, True),
               (50.0, Severity.ERROR, True)]


@pytest.mark.parametrize(("reusable", "severity", "allowed"), CALIBRATION)
def test_calibration_bands(reusable: float, severity: Severity, allowed: bool) -> None:
    assert _band_allows(reusable, severity) is allowed


def _all_measurements() -> list[tuple[VariableEntry, Measurement]]:
    return [(e, m) for e in knowledge().entries() for m in e.measured
            if m.setscene_reusable is not None]


@pytest.mark.parametrize(("entry", "m"), _all_measurements(),
                         ids=lambda x: x.name if isinstance(x, VariableEntry) else x.variation)
def test_verdict_fits_the_measured_reuse(entry: VariableEntry, m: Measurement) -> None:
    assert m.setscene_reusable is not None
    severity = verdict(entry, m.child, m.parent)
    assert _band_allows(m.setscene_reusable, severity), (
        f"{entry.name} {m.variation}: {severity.value} for {m.setscene_reusable}% reusable")


@pytest.mark.parametrize("entry", [e for e in knowledge().entries() if e.renamed_from],
                         ids=lambda e: e.name)
def test_renames_match_bitbake_conf(entry: VariableEntry) -> None:
    kb = knowledge()
    for rename in entry.renamed_from:
        first = next((r for r in kb.releases if rename.name in kb.release(r).renamed), None)
        assert first == rename.release, f"{rename.name} first refused in {first}"
        assert entry.name in kb.release(rename.release).renamed[rename.name]


def test_ignored_names_reach_signatures_only_through_a_named_derivation() -> None:
    # "The evidence wins": an ignored name may have a signature scope only via hashed_via.
    kb = knowledge()
    wrong = [e.name for e in kb.entries()
             if kb.ignored(e.name, "scarthgap") and e.scope not in (Scope.NONE, Scope.WIRING)
             and not e.hashed_via]
    assert wrong == []


def test_variables_no_signature_reads_are_info() -> None:
    kb = knowledge()
    assert [e.name for e in kb.entries()
            if e.scope is Scope.NONE and e.severity is not Severity.INFO] == []



RELEASES_DIR = SHARED / "releases"
_EVIDENCE = re.compile(r"(?P<path>(?:meta|meta-poky|meta-yocto-bsp)/conf/\S+?|bitbake lib/bb/\S+?)"
                       r"(?: \([^)]*\))?: (?P<text>.*)")
_ASSIGNMENT = re.compile(r"\S+ (?:\?\?=|\?=|=|\+=|:=) .*")


def _evidence_files(path: str) -> list[Path]:
    """The files an evidence path names: in any release snapshot, or in BitBake's library."""
    if path.startswith("bitbake "):
        spec = importlib.util.find_spec("bb")
        roots = [Path(p).parent for p in (spec.submodule_search_locations or [])] if spec else []
        return [r / path.removeprefix("bitbake lib/") for r in roots]
    if not RELEASES_DIR.is_dir():
        return []
    parts = ("openembedded-core", "poky")
    return [r / part / path for r in RELEASES_DIR.iterdir() for part in parts]


def _evidence_problem(evidence: str) -> str | None:
    match = _EVIDENCE.fullmatch(evidence)
    if not match or "*" in match["path"]:
        return None  # classes and recipes are not in the snapshots: not checkable here
    files = [f for f in _evidence_files(match["path"]) if f.is_file()]
    if not files:
        return "no such file"
    texts = [" ".join(f.read_text(encoding="utf-8", errors="replace").split()) for f in files]
    text = " ".join(match["text"].split())
    # A quoted assignment must be there verbatim; otherwise each named variable must be.
    wanted = [text] if _ASSIGNMENT.fullmatch(text) else [
        re.findall(r"[A-Za-z_][\w\-/${}.]*", part)[0] for part in text.split(", ")]
    missing = [w for w in wanted if not any(w in t for t in texts)]
    return f"not found: {missing}" if missing else None


def test_evidence_points_at_real_files_and_lines() -> None:
    if not RELEASES_DIR.is_dir():
        shared_missing("shared/releases not available")
    problems = [(e.name, ev, p) for e in knowledge().entries() for ev in e.evidence
                if (p := _evidence_problem(ev))]
    assert problems == []


_CHANGE = re.compile(r'(?P<name>[\w\-/.]+) = "(?P<value>[^"]*)"')


def _plain_assignments() -> list[tuple[VariableEntry, Measurement, str, str]]:
    out = []
    for entry, m in _all_measurements():
        match = _CHANGE.fullmatch(m.change)
        if match and "${" not in m.parent and "<" not in m.child:
            out.append((entry, m, match["name"], match["value"]))
    return out


def test_measured_values_are_what_bitbake_resolves(tmp_path: Path) -> None:
    """Parent values are poky scarthgap's template defaults; child values are the change."""
    from helpers import oracle_baseconfig as oracle

    template = RELEASES_DIR / "scarthgap/poky/meta-poky/conf/templates/default/local.conf.sample"
    if not template.is_file():
        shared_missing("shared/releases not available")
    build = oracle.make_build(tmp_path, "scarthgap", template.read_text(encoding="utf-8"))
    values = oracle.base_config(build, "scarthgap").values
    checked = 0
    for entry, m, name, value in _plain_assignments():
        assert normalise(entry.compare, m.child) == normalise(entry.compare, value), m.variation
        parent = values.get(name)
        if isinstance(parent, oracle.Unresolved):
            continue  # needs oe-core's Python library (cpu counts)
        assert normalise(entry.compare, m.parent) == normalise(entry.compare, parent), (
            f"{m.variation}: {name} parent {m.parent!r}, BitBake says {parent!r}")
        checked += 1
    assert checked >= 15
