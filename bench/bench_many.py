"""Many children against one parent: time and peak memory of ``engine.check``.

Children are copies of the corpus users' local.conf files (../shared/corpus/users/**/local.conf,
those that resolve on their own), each in its own build directory, cycled up to N. Every N
runs in a fresh process so that its peak RSS (``ru_maxrss``) is its own. Run:

    python bench/bench_many.py              # 1, 10, 100, 500 children, serial
    python bench/bench_many.py --jobs 2     # the same with --jobs 2
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "users"
COUNTS = (1, 10, 100, 500)


def usable_children() -> list[str]:
    """Corpus local.conf files that resolve alone (some require files only their tree has)."""
    from confdrift.build import resolve
    from confdrift.errors import ConfdriftError

    found = []
    for path in sorted(glob.glob(str(CORPUS / "**" / "local.conf"), recursive=True)):
        try:
            resolve.resolve_build(path)
        except ConfdriftError:
            continue
        found.append(path)
    return found


def make_children(sources: list[str], count: int, root: Path) -> list[str]:
    out = []
    for i in range(count):
        conf = root / f"child{i:04d}" / "conf"
        conf.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(sources[i % len(sources)], conf / "local.conf")
        out.append(str(conf / "local.conf"))
    return out


def run_one(count: int, jobs: int) -> dict[str, float]:
    """Measure one N in this process (called in a fresh subprocess)."""
    from confdrift.check import parallel

    sources = usable_children()
    with tempfile.TemporaryDirectory() as tmp:
        children = make_children(sources[1:], count, Path(tmp))
        start = time.perf_counter()
        findings = parallel.check_builds(children, sources[0], None, jobs)
        elapsed = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": elapsed, "peak_mib": max(peak_kib, children_kib) / 1024,
            "findings": len(findings)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"no corpus at {CORPUS}")
    if args.one is not None:
        print(json.dumps(run_one(args.one, args.jobs)))
        return
    print(f"{'children':>8} {'seconds':>9} {'ms/child':>9} {'peak MiB':>9} {'findings':>9}")
    for count in COUNTS:
        cmd = [sys.executable, __file__, "--one", str(count), "--jobs", str(args.jobs)]
        row = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True,
                                        env=os.environ).stdout)
        per = 1000 * row["seconds"] / count
        print(f"{count:>8} {row['seconds']:>9.2f} {per:>9.1f} {row['peak_mib']:>9.1f} "
              f"{row['findings']:>9}")


if __name__ == "__main__":
    main()
