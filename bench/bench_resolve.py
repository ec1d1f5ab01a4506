"""Benchmark: load every corpus BitBake file with confdrift and with BitBake's own datastore.

Each file is loaded on its own (BBPATH = its layer or build root, then oe-core's ``meta``,
as in tests/datastore/test_resolve_oracle.py) and every variable is read back with expansion,
by both.
Prints the total times and the ratio confdrift/BitBake (target: at most 1.5).

    python bench/bench_resolve.py [--cache]

Without ``--cache`` confdrift's on-disk parse cache is disabled, so parsing is measured too;
``--cold`` also stops loads from sharing parsed includes within the process.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "../shared/corpus"
sys.path.insert(0, str(ROOT / "tests"))


def _files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in (".conf", ".inc") and p.is_file())


def _bbpath(path: Path) -> list[str]:
    text = str(path)
    root = text[: text.rindex("/conf/")] if "/conf/" in text else str(path.parent)
    return [root, str(CORPUS / "layers/openembedded-core/meta")]


def _confdrift(files: list[Path], cold: bool = False) -> float:
    from confdrift.datastore.resolved import load_files as load
    from confdrift.errors import ConfdriftError
    from confdrift.syntax import memo

    start = time.perf_counter()
    for path in files:
        if cold:
            memo.forget()  # no parse shared between loads
        try:
            config = load([str(path)], bbpath=_bbpath(path))
        except ConfdriftError:
            continue
        for name in config.names():
            with contextlib.suppress(ConfdriftError):
                config.get(name)
    return time.perf_counter() - start


def _bitbake(files: list[Path]) -> float:
    from helpers.bb_datastore import bb_load

    start = time.perf_counter()
    for path in files:
        bb_load([str(path)], _bbpath(path))  # parses, evaluates and reads every variable
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", action="store_true", help="keep confdrift's parse cache on")
    parser.add_argument(
        "--cold", action="store_true", help="no parse shared between loads in the process"
    )
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print("../shared/corpus not found", file=sys.stderr)
        return 2
    if not args.cache:
        os.environ["CONFDRIFT_NO_CACHE"] = "1"
    files = _files()
    _bitbake(files[:5])  # import bb and warm both sides' module loading
    _confdrift(files[:5])
    ours, theirs = _confdrift(files, args.cold), _bitbake(files)
    print(f"files: {len(files)}")
    print(f"confdrift: {ours:.2f} s")
    print(f"bitbake:   {theirs:.2f} s")
    print(f"ratio confdrift/bitbake: {ours / theirs:.2f} (target <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
