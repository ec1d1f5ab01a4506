"""The verdicts fit real BitBake's measurements (../shared/signature-impact).

Each measured variation is rebuilt as it was measured: two poky scarthgap build directories
(layers from ../shared/releases/scarthgap) whose local.conf is the default template plus the
harness lines plus the variation's lines. confdrift's verdict must fit the measured share of
the child's setscene tasks found in the parent:

- below 90 %: an error naming the variable;
- 90-99 %: a warning or an error naming it;
- 99-100 %: a finding of any severity naming it;
- 100 %: no warning or error from the signature rules (wiring rules may speak: every
  measured build runs its own private hash server and cache).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from helpers.environment import require_shared

from confdrift.build.resolve import resolve_build as view
from confdrift.build.view import ResolvedBuild
from confdrift.check import engine
from confdrift.check.settings import load_settings
from confdrift.findings import Finding, Severity

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
MEASURED = SHARED / "signature-impact" / "results.json"
RELEASE = SHARED / "releases" / "scarthgap"
TEMPLATE = RELEASE / "poky" / "meta-poky" / "conf" / "templates" / "default" / "local.conf.sample"
HARNESS = 'BB_NO_NETWORK = "1"\nBB_NUMBER_PARSE_THREADS = "2"\n'
NO_UNINATIVE = 'INHERIT:remove = "uninative"\n'
ASSIGNED = re.compile(r"^(?:export\s+)?([A-Za-z0-9_\-/.${}]+)[^=?:+.\s]*(?::[^\s=]*)?\s*[?:+.]*=",
                      re.MULTILINE)


@pytest.fixture(scope="module", autouse=True)
def _measurements() -> None:
    require_shared(MEASURED, TEMPLATE)


@cache
def results() -> dict[str, dict[str, object]]:
    return json.loads(MEASURED.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def conf_of(name: str) -> str:
    if name == "baseline2":
        return ""
    return str(results()["variations"][name]["conf"])  # type: ignore[index]


def variables(conf: str) -> set[str]:
    if "uninative" in conf:
        return {"INHERIT"}
    return {m.split(":")[0] for m in ASSIGNED.findall(conf)}


@cache
def build(name: str, root: Path) -> ResolvedBuild:
    conf = conf_of(name)
    directory = root / name / "conf"
    directory.mkdir(parents=True, exist_ok=True)
    layers = " ".join(str(RELEASE / p) for p in ("poky/meta-poky", "poky/meta-yocto-bsp",
                                                 "openembedded-core/meta"))
    (directory / "bblayers.conf").write_text(
        f'BBPATH = "${{TOPDIR}}"\nBBFILES ?= ""\nBBLAYERS ?= "{layers}"\n', encoding="utf-8")
    harness = HARNESS + ("" if "uninative kept" in conf else NO_UNINATIVE)
    variation = conf.replace("<elsewhere>", "/elsewhere")
    text = TEMPLATE.read_text(encoding="utf-8") + harness + variation
    (directory / "local.conf").write_text(text, encoding="utf-8")
    return view(str(root / name), load_settings(cli={}, cwd=root))


def cases() -> Iterator[tuple[str, str, float]]:
    if not MEASURED.is_file():
        return
    for name, data in results()["variations"].items():  # type: ignore[union-attr]
        share = data.get("setscene_pct_reusable")  # type: ignore[union-attr]
        if share is not None:
            yield name, "baseline2", float(share)
    for key, data in results()["pairs"].items():  # type: ignore[union-attr]
        child, parent = (part.split("=", 1)[1] for part in key.split())
        yield child, parent, float(data["setscene_pct_reusable"])  # type: ignore[index]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("builds")


def naming(findings: list[Finding], names: set[str]) -> list[Finding]:
    return [f for f in findings if f.variable and f.variable.split(":")[0] in names]


@pytest.mark.parametrize(("child", "parent", "share"), list(cases()),
                         ids=[f"{c}-vs-{p}" for c, p, _ in cases()])
def test_verdict_fits_measurement(child: str, parent: str, share: float, root: Path) -> None:
    names = variables(conf_of(child)) | variables(conf_of(parent))
    found = engine.check_build(build(child, root), build(parent, root), None)
    signature = [f for f in found if not f.code.startswith("CD3")]
    severe = [f for f in naming(signature, names) if f.severity is not Severity.INFO]
    if share < 90:
        assert any(f.severity is Severity.ERROR for f in severe), (names, found)
    elif share < 99:
        assert severe, (names, found)
    elif share < 100:
        assert naming(found, names), (names, found)
    else:
        assert not [f for f in signature if f.severity is not Severity.INFO], found
