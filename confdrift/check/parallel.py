"""``confdrift check --jobs N``: children checked in worker processes, output as if serial.

Each worker resolves the parent once (in its initializer) and then checks the children it
is handed; results come back in the children's order, so the findings and the first error
raised are exactly those of a serial run. Workers are forked: the settings (which hold
read-only mappings that do not pickle) are inherited rather than sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from confdrift import limits
from confdrift.build.view import ResolvedBuild
from confdrift.findings import Finding

if TYPE_CHECKING:
    from confdrift.check.settings import Settings

#: The parent and settings of this worker process, set once by :func:`_start_worker`.
_WORKER: dict[str, Any] = {}


def check_builds(
    children: Sequence[str], parent: str | None, settings: Settings | None, jobs: int = 1
) -> list[Finding]:
    """:func:`~confdrift.check.engine.check_builds` over ``jobs`` processes (serial for 1)."""
    from confdrift.check import engine  # looked up per call: tests replace the engine module

    jobs = min(jobs, len(children))
    if jobs <= 1:
        return engine.check_builds(children, parent, settings)
    # Imported only for parallel runs: they cost a one-file pre-commit check ~50 ms.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        return engine.check_builds(children, parent, settings)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_start_worker, initargs=(parent, settings)
    ) as pool:
        # Small chunks keep the workers evenly busy; map keeps the children's order.
        chunk = max(1, len(children) // (jobs * 4))
        results = pool.map(_check_child, children, chunksize=chunk)
        return [finding for found in results for finding in found]


def _start_worker(parent: str | None, settings: Settings | None) -> None:
    _WORKER["settings"] = settings
    _WORKER["parent"] = _parent_view(parent, settings)


def _parent_view(parent: str | None, settings: Settings | None) -> ResolvedBuild | None:
    from confdrift.build import resolve

    if not parent:
        return None
    with limits.using(getattr(settings, "limits", None)):
        return resolve.resolve_build(parent, settings)


def _check_child(child: str) -> list[Finding]:
    from confdrift.build import resolve
    from confdrift.check import engine

    settings = _WORKER["settings"]
    with limits.using(getattr(settings, "limits", None)):
        child_build = resolve.resolve_build(child, settings)
        return engine.check_build(child_build, _WORKER["parent"], settings)
