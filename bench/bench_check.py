"""Whole-process time of ``confdrift check`` on the story's child/parent pair.

What a pre-commit hook pays per commit: interpreter start, imports, resolving both sides
(release defaults, no layers), the rules and the report. Usage:

    python bench/bench_check.py [--runs 15]

Prints the median and the spread for the text and JSON formats, warm parse cache.
Python writes no bytecode when PYTHONDONTWRITEBYTECODE is set, which adds ~90 ms of
compiling confdrift's own modules to every start; the script says when it is set.
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
TARGET = 0.300


def run_once(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    exe = shutil.which("confdrift") or str(Path(sys.executable).with_name("confdrift"))
    base = [exe, "check", str(STORY / "child"), "--parent", str(STORY / "parent"),
            "--release", "scarthgap"]
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("note: PYTHONDONTWRITEBYTECODE is set: every start compiles confdrift's modules")
    for fmt in ("text", "json"):
        command = [*base, "--format", fmt]
        run_once(command)  # warm the parse cache and the bytecode
        times = sorted(run_once(command) for _ in range(args.runs))
        median = statistics.median(times)
        verdict = "meets" if median <= TARGET else "misses"
        print(f"check --format {fmt:<5} median {median * 1000:6.0f} ms  "
              f"(min {times[0] * 1000:.0f}, max {times[-1] * 1000:.0f}; "
              f"{verdict} the {TARGET * 1000:.0f} ms target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
