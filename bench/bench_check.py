"""Whole-process start of confdrift's commands, as ratios to ``python -c "import typer"``.

What a pre-commit hook pays per commit: interpreter start, imports, resolving both sides
of the story's child/parent pair (release defaults, no layers), the rules and the report.
typer's own start is the floor of any typer CLI, so each command is divided by it, measured
in the same run on the same machine. Usage:

    python bench/bench_check.py [--runs 21]

The commands run round-robin (one of each per round, so load from other processes on the
machine falls on all of them alike) after a warm-up round that fills the parse cache and
the bytecode; each figure is the median over the rounds. Goals: ``check`` <= 2x,
``--version`` and ``rules`` <= 1.2x. Python writes no bytecode when
PYTHONDONTWRITEBYTECODE is set, which adds compiling confdrift's own modules to every
start; the script says when it is set.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STORY = ROOT / "fixtures" / "drift" / "story"
GOALS = {"check text": 2.0, "check json": 2.0, "--version": 1.2, "rules": 1.2}


def run_once(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    return time.perf_counter() - start


def commands() -> dict[str, list[str]]:
    exe = shutil.which("confdrift") or str(Path(sys.executable).with_name("confdrift"))
    check = [exe, "check", str(STORY / "child"), "--parent", str(STORY / "parent"),
             "--release", "scarthgap"]
    return {
        "import typer": [sys.executable, "-c", "import typer"],
        "check text": [*check, "--format", "text"],
        "check json": [*check, "--format", "json"],
        "--version": [exe, "--version"],
        "rules": [exe, "rules"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21, help="rounds (default 21)")
    args = parser.parse_args()
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("note: PYTHONDONTWRITEBYTECODE is set: every start compiles confdrift's modules")
    named = commands()
    for command in named.values():
        run_once(command)  # warm the parse cache and the bytecode
    times: dict[str, list[float]] = {name: [] for name in named}
    for _ in range(args.runs):
        for name, command in named.items():
            times[name].append(run_once(command))
    floor = statistics.median(times["import typer"])
    print(f"{'import typer':<12} median {floor * 1000:6.0f} ms  (the floor, 1.00x)")
    for name, goal in GOALS.items():
        median = statistics.median(times[name])
        ratio = median / floor
        verdict = "meets" if ratio <= goal else "misses"
        print(f"{name:<12} median {median * 1000:6.0f} ms  {ratio:5.2f}x  "
              f"(min {min(times[name]) * 1000:.0f}, max {max(times[name]) * 1000:.0f}; "
              f"{verdict} the {goal:.1f}x goal)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
