"""Benchmark: confdrift's parser against BitBake's own readers on the shared corpus.

Run:  python bench/bench_parse.py [CORPUS_DIR]      (default: ../shared/corpus)

Prints the time to read every .conf/.inc/.sample file with
  * BitBake's reader (ConfHandler / BBHandler, statements built but not evaluated, a fresh
    datastore per .conf file; .sample templates copied to .conf first, outside the timing),
  * confdrift cold (parse_file, cache disabled),
  * confdrift cached (parse_file, warm cache in a temporary directory),
and the ratios to BitBake, plus the cost of ``import confdrift.syntax.parse`` in a fresh
interpreter. Targets: cold <= 2x BitBake, cached <= 0.2x, import < 100 ms.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from helpers import oracle  # noqa: E402  (tests/helpers/oracle.py: BitBake's readers, not evaluated)

from confdrift.errors import ParseError  # noqa: E402
from confdrift.syntax.parse import base_config_for, parse_file  # noqa: E402

SUFFIXES = (".conf", ".inc", ".sample")
ROUNDS = 7


def corpus_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in SUFFIXES)


def interleaved(rounds: int, jobs: dict[str, Callable[[], None]]) -> dict[str, float]:
    """The fastest run of each job; the jobs take turns in every round, so a load spike
    from other processes on the machine hits them all alike instead of just one."""
    best = dict.fromkeys(jobs, float("inf"))
    for _ in range(rounds):
        for name, job in jobs.items():
            start = time.perf_counter()
            job()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def bitbake_all(files: list[str]) -> None:
    """BitBake's readers on every file, as they read them: statements built, not evaluated."""
    for path in files:
        with suppress(Exception):  # the few files BitBake rejects still cost their time
            oracle.statements_only([path], [base_config_for(path)])


def bitbake_readable(files: list[Path], tmp: str) -> list[str]:
    """The files as BitBake can be pointed at them: .sample templates copied to .conf."""
    out = []
    for index, path in enumerate(files):
        if path.suffix == ".sample":
            copy = os.path.join(tmp, f"{index}-{path.stem}.conf")
            shutil.copyfile(path, copy)
            out.append(copy)
        else:
            out.append(str(path))
    return out


def confdrift_all(files: list[Path]) -> None:
    for path in files:
        with suppress(ParseError):
            parse_file(path)


def with_cache(folder: str, files: list[Path], *, enabled: bool) -> None:
    os.environ["CONFDRIFT_CACHE_DIR"] = folder
    if enabled:
        os.environ.pop("CONFDRIFT_NO_CACHE", None)
    else:
        os.environ["CONFDRIFT_NO_CACHE"] = "1"
    confdrift_all(files)


def import_time() -> float:
    code = ("import time; t = time.perf_counter(); import confdrift.syntax.parse; "
            "print(time.perf_counter() - t)")
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout) for _ in range(5)]
    return min(runs)


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent.parent / "shared" / "corpus"
    files = corpus_files(root)
    if not files or not oracle.bb_available():
        sys.exit(f"need corpus files under {root} and BitBake's bb library")
    confdrift_all(files[:1])  # build the grammar once, as any run does
    with tempfile.TemporaryDirectory() as tmp:
        warm = os.path.join(tmp, "warm")
        with_cache(warm, files, enabled=True)  # fill the cache
        readable = bitbake_readable(files, tmp)
        times = interleaved(ROUNDS, {
            "bitbake": lambda: bitbake_all(readable),
            "cold": lambda: with_cache(os.path.join(tmp, "none"), files, enabled=False),
            "cached": lambda: with_cache(warm, files, enabled=True),
        })
    bitbake, cold, cached = times["bitbake"], times["cold"], times["cached"]
    print(f"files: {len(files)} under {root}")
    print(f"BitBake reader : {bitbake * 1000:8.1f} ms")
    print(f"confdrift cold : {cold * 1000:8.1f} ms   ratio {cold / bitbake:.2f}x  (target <= 2x)")
    print(f"confdrift cache: {cached * 1000:8.1f} ms   ratio {cached / bitbake:.2f}x"
          "  (target <= 0.2x)")
    print(f"import confdrift.syntax.parse: {import_time() * 1000:.1f} ms  (target < 100 ms)")


if __name__ == "__main__":
    main()
