"""The README's rules table is the registry's, and its commands are the ones CI runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_rules_table_is_generated_from_the_registry() -> None:
    script = ROOT / "scripts" / "gen_rules_table.py"
    result = subprocess.run([sys.executable, str(script), "--check"], cwd=ROOT, check=False)
    assert result.returncode == 0, "README rules table is stale: run scripts/gen_rules_table.py"


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci in (ROOT / "README.md").read_text(encoding="utf-8")
