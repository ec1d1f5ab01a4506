"""Print the README's table: measured setscene reuse vs confdrift's verdict, per variation.

Rebuilds every measured configuration of ../shared/signature-impact as it was measured (the
same helper the test uses) and prints a markdown table. Usage:

    python bench/signature_table.py [--shared ../shared]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "knowledge"))

import test_signature_impact as measured

from confdrift.check import engine
from confdrift.findings import Severity


def verdict(child: str, parent: str, root: Path) -> str:
    names = measured.variables(measured.conf_of(child)) | measured.variables(
        measured.conf_of(parent))
    found = engine.check_build(measured.build(child, root), measured.build(parent, root), None)
    signature = [f for f in found if not f.code.startswith("CD3")]
    named = measured.naming(signature, names)
    if not named:
        worst = [f for f in signature if f.severity is not Severity.INFO]
        return "no signature finding" if not worst else "(other: " + worst[0].code + ")"
    top = max(named, key=lambda f: f.severity.rank)
    return f"{top.severity.value} {top.code} {top.variable}"


def main() -> int:
    rows = sorted(measured.cases(), key=lambda case: case[2])
    print("| child | parent | setscene reusable (measured) | confdrift |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for child, parent, share in rows:
            print(f"| {child} | {parent} | {share:g}% | {verdict(child, parent, Path(tmp))} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
