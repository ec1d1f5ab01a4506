"""Benchmark: confdrift's full-chain load of a poky build against BitBake's base-config parse.

Run:  python bench/bench_context.py [RELEASE]      (default: walnascar)

Both read the same build directory (conf/local.conf + conf/bblayers.conf naming the
release's oe-core meta, meta-poky and meta-yocto-bsp from ../shared/releases) in the same
process: BitBake through tests/oracle_baseconfig.py (bblayers.conf, layer.conf files,
bitbake.conf and everything it includes, then every variable expanded), confdrift through
``load_build`` followed by reading every variable. Prints the best of several rounds for
confdrift cold (parse cache disabled), confdrift cached (warm cache in a temporary
directory) and BitBake, and the ratios. Target: cached <= 1.0x BitBake.
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

import oracle_baseconfig as ob  # noqa: E402

from confdrift.context import load_build  # noqa: E402

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


def confdrift_job(build: Path) -> Callable[[], object]:
    def job() -> object:
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
        cold = best_of(ROUNDS, with_cache({"CONFDRIFT_NO_CACHE": "1"}, confdrift_job(build)))
        with_cache(cache, confdrift_job(build))()  # fill the cache once
        cached = best_of(ROUNDS, with_cache(cache, confdrift_job(build)))
    print(f"full-chain load of a poky {release} build, best of {ROUNDS}:")
    print(f"  BitBake base config   {bitbake * 1000:8.1f} ms")
    print(f"  confdrift, cold       {cold * 1000:8.1f} ms   ratio {cold / bitbake:5.2f}")
    print(f"  confdrift, cached     {cached * 1000:8.1f} ms   ratio {cached / bitbake:5.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
