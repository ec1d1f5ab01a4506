"""Benchmark: confdrift's full-chain load of a poky build against BitBake's base-config parse.

Run:  python bench/bench_context.py [RELEASE]      (default: walnascar)

Both read the same build directory (conf/local.conf + conf/bblayers.conf naming the
release's oe-core meta, meta-poky and meta-yocto-bsp from ../shared/releases) in the same
process: BitBake through tests/helpers/oracle_baseconfig.py (bblayers.conf, layer.conf files,
bitbake.conf and everything it includes, then every variable expanded), confdrift through
``load_build`` followed by reading every variable. Prints the best of several rounds for
BitBake and for confdrift as a first load in a process with the parse cache disabled (cold)
or warm, and as a repeated load (files already parsed in this process, as for a parent
after its child), with the ratios. Target: <= 1.0x BitBake.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from helpers import oracle_baseconfig as ob  # noqa: E402

from confdrift.build.chain import forget_parsed_files, load_build  # noqa: E402

ROUNDS = 5
LOCAL_CONF = 'MACHINE = "qemux86-64"\nDISTRO = "poky"\nPACKAGE_CLASSES = "package_ipk"\n'


def best_of(rounds: int, job: Callable[[], object]) -> float:
    """The fastest of ``rounds`` runs: the least disturbed by other load on the machine."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return min(times)


def bitbake_job(build: Path, release: str) -> Callable[[], object]:
    return lambda: ob.base_config(build, release)


def confdrift_job(build: Path, fresh: bool) -> Callable[[], object]:
    def job() -> object:
        if fresh:  # the first load of a process: nothing parsed yet
            forget_parsed_files()
        config = load_build(build)
        return [config.get(name) for name in config.names()]

    return job


def with_cache(setting: dict[str, str], job: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        saved = {key: os.environ.get(key) for key in setting}
        os.environ.update(setting)
        try:
            return job()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    return run


def main(argv: list[str]) -> int:
    release = argv[0] if argv else "walnascar"
    if not ob.RELEASES_DIR.is_dir():
        print("../shared/releases is not available", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        build = ob.make_build(Path(scratch) / "build", release, LOCAL_CONF)
        cache = {"CONFDRIFT_CACHE_DIR": str(Path(scratch) / "cache"), "CONFDRIFT_NO_CACHE": ""}
        bitbake = best_of(ROUNDS, bitbake_job(build, release))
        no_cache = {"CONFDRIFT_NO_CACHE": "1"}
        cold = best_of(ROUNDS, with_cache(no_cache, confdrift_job(build, fresh=True)))
        with_cache(cache, confdrift_job(build, fresh=True))()  # fill the disk cache once
        cached = best_of(ROUNDS, with_cache(cache, confdrift_job(build, fresh=True)))
        again = best_of(ROUNDS, with_cache(cache, confdrift_job(build, fresh=False)))
    print(f"full-chain load of a poky {release} build, best of {ROUNDS}:")
    print(f"  BitBake base config              {bitbake * 1000:8.1f} ms")
    rows = (
        ("confdrift, cold (no parse cache)", cold),
        ("confdrift, disk parse cache", cached),
        ("confdrift, files already parsed", again),  # e.g. the parent after the child
    )
    for label, seconds in rows:
        print(f"  {label:32} {seconds * 1000:8.1f} ms   ratio {seconds / bitbake:5.2f}")
    first_load_in_fresh_processes(release)
    return 0


def first_load_in_fresh_processes(release: str) -> None:
    """The load a command pays: the first one of a new process, after the imports.

    BitBake warms in-process caches (its code parser) on its first load, so "best of N in one
    process" favours it; here each side loads once per process, best of ROUNDS processes.
    """
    with tempfile.TemporaryDirectory() as scratch:
        build = ob.make_build(Path(scratch) / "build", release, LOCAL_CONF)
        env = {**os.environ, "CONFDRIFT_CACHE_DIR": str(Path(scratch) / "cache"),
               "CONFDRIFT_NO_CACHE": ""}
        times = {}
        for side in ("bitbake", "confdrift"):
            runs = [_one_process(side, build, release, env) for _ in range(ROUNDS + 1)]
            times[side] = min(runs[1:])  # the first confdrift run fills the parse cache
    print(f"first load of a fresh process (after imports), best of {ROUNDS} processes:")
    print(f"  BitBake base config              {times['bitbake'] * 1000:8.1f} ms")
    print(f"  confdrift, disk parse cache      {times['confdrift'] * 1000:8.1f} ms   "
          f"ratio {times['confdrift'] / times['bitbake']:5.2f}")


def _one_process(side: str, build: Path, release: str, env: dict[str, str]) -> float:
    import subprocess

    command = [sys.executable, __file__, "--one", side, str(build), release]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def one(side: str, build: Path, release: str) -> None:
    """Child process: import everything, then time exactly one load."""
    if side == "bitbake":
        ob.import_bb()  # BitBake's library with the stubs the oracle needs
        job: Callable[[], object] = bitbake_job(build, release)
    else:
        job = confdrift_job(build, fresh=True)
    start = time.perf_counter()
    job()
    print(time.perf_counter() - start)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        one(sys.argv[2], Path(sys.argv[3]), sys.argv[4])
        raise SystemExit(0)
    raise SystemExit(main(sys.argv[1:]))
