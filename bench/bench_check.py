"""Whole-process start of confdrift's commands, as ratios to ``python -c "import typer"``.

What a pre-commit hook pays per commit: interpreter start, imports, resolving both sides
of the story's child/parent pair (release defaults, no layers), the rules and the report.
typer's own start is the floor of any typer CLI, so each command is divided by it, measured
in the same run on the same machine. Usage:

    python bench/bench_check.py [--runs 21]

The commands run round-robin (one of each per round, so load from other processes on the
machine falls on all of them alike) after a warm-up round that fills the parse cache and
the bytecode; each figure is the median over the rounds. Goals: ``check`` <= 2x,
``--version`` and ``rules`` <= 1.2x. Beside wall-clock time the script reports CPU time
(user + system of the child process): on a machine shared with other work it moves far
less than wall-clock time. Python writes no bytecode when
PYTHONDONTWRITEBYTECODE is set, which adds compiling confdrift's own modules to every
start; the script says when it is set.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STORY = ROOT / "fixtures" / "drift" / "story"
GOALS = {"check text": 2.0, "check json": 2.0, "--version": 1.2, "rules": 1.2}


def run_once(command: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


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
    walls: dict[str, list[float]] = {name: [] for name in named}
    cpus: dict[str, list[float]] = {name: [] for name in named}
    for _ in range(args.runs):
        for name, command in named.items():
            wall, cpu = run_once(command)
            walls[name].append(wall)
            cpus[name].append(cpu)
    floor = statistics.median(walls["import typer"])
    cpu_floor = statistics.median(cpus["import typer"])
    print(f"{args.runs} rounds, medians; ratios to the floor, python -c 'import typer'")
    print(f"{'':<12} {'wall':>7} {'ratio':>6}  {'cpu':>7} {'ratio':>6}")
    print(f"{'import typer':<12} {floor * 1000:4.0f} ms {1:5.2f}x  {cpu_floor * 1000:4.0f} ms "
          f"{1:5.2f}x  (the floor)")
    for name, goal in GOALS.items():
        wall = statistics.median(walls[name])
        cpu = statistics.median(cpus[name])
        ratio = wall / floor
        verdict = "meets" if ratio <= goal else "misses"
        print(f"{name:<12} {wall * 1000:4.0f} ms {ratio:5.2f}x  {cpu * 1000:4.0f} ms "
              f"{cpu / cpu_floor:5.2f}x  ({verdict} the {goal:.1f}x goal; wall "
              f"{min(walls[name]) * 1000:.0f}-{max(walls[name]) * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
