"""What the tests need from outside the repository, and what a test does when it is missing.

Two things come from outside: ``../shared`` beside the repository (the corpus, the release
snapshots, the measurements, the schemas) and the oracles of the ``test`` extra (BitBake's
``bb`` library from bitbake-setup, kas). A test that needs one of them says so through this
module: :func:`require_shared`, :func:`shared_missing`, :func:`require_bitbake` or
:func:`require_module`. On a developer's machine a missing one skips the test. Under CI (the
``CI`` environment variable set, as CI services and ``.ci/run`` set it) it fails the test
instead: a run that skipped thousands of tests would otherwise be green for nothing.
``tests/conftest.py`` also stops a CI run before it starts when ../shared or an oracle is
missing (see :func:`problems_under_ci`), which covers tests parametrised at collection time
from ../shared: without it they collect as nothing, not as skips.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import types
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

import pytest

REPO = Path(__file__).resolve().parents[2]
#: ``../shared`` beside the repository (the same path the test files name).
SHARED = REPO / "../shared"
#: What the suite reads from ../shared.
SHARED_PARTS = (
    "corpus",
    "corpus/ORACLE.json",
    "corpus/users",
    "corpus/layers/kas",
    "releases",
    "research/sstate-knowledge.md",
    "signature-impact/results.json",
    "schemas/sarif-schema-2.1.0.json",
)
#: The test extra's modules that tests import (the oracles first); CI installs them all.
TEST_EXTRA_MODULES = ("bb", "kas", "jsonschema", "pre_commit")
#: Values of ``CI`` that mean "not under CI".
_NOT_CI = ("", "0", "false", "no")


def under_ci() -> bool:
    """Whether this run is CI's: ``CI`` is set (to anything but 0, false, no or nothing)."""
    return os.environ.get("CI", "").strip().lower() not in _NOT_CI


def missing(reason: str) -> NoReturn:
    """Skip the calling test for ``reason``; under CI, fail it."""
    __tracebackhide__ = True  # pytest reports the skip at the caller
    if under_ci():
        pytest.fail(f"{reason} (CI is set: this fails instead of skipping)", pytrace=False)
    pytest.skip(reason)


def shared_missing(reason: str) -> NoReturn:
    """:func:`missing`, for a test that found what it needs from ../shared absent."""
    __tracebackhide__ = True  # pytest reports the skip at the caller
    missing(f"{reason}; ../shared is looked for at {SHARED.resolve()}")


def require_shared(*paths: Path) -> None:
    """Skip (under CI, fail) unless every path, under ../shared, exists."""
    __tracebackhide__ = True  # pytest reports the skip at the caller
    for path in paths:
        if not path.exists():
            shared_missing(f"{_shown(path)} is not available")


def _shown(path: Path) -> str:
    """``../shared/...`` for a path under ../shared, the path itself otherwise."""
    try:
        return "../shared/" + path.resolve().relative_to(SHARED.resolve()).as_posix()
    except ValueError:
        return str(path)


def import_bitbake() -> Any:
    """BitBake's ``bb`` library, with the hash-server modules it wants stubbed out."""
    for name in ("hashserv", "hashserv.client"):
        sys.modules.setdefault(name, types.ModuleType(name))
    for module in ("bb", "bb.data", "bb.data_smart", "bb.parse"):
        importlib.import_module(module)
    return sys.modules["bb"]


def require_bitbake() -> Any:
    """BitBake's ``bb`` library (the oracle); skip (under CI, fail) when it does not import."""
    __tracebackhide__ = True  # pytest reports the skip at the caller
    try:
        return import_bitbake()
    except Exception as exc:
        missing(f"BitBake's bb library (bitbake-setup, the test extra) does not import: {exc!r}")


def require_module(name: str) -> Any:
    """``pytest.importorskip`` for the test extra's modules: under CI a failed import fails."""
    __tracebackhide__ = True  # pytest reports the skip at the caller
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        missing(f"{name} (the test extra) does not import: {exc!r}")


def problems_under_ci(
    shared: Path = SHARED, parts: Iterable[str] = SHARED_PARTS,
    modules: Iterable[str] = TEST_EXTRA_MODULES,
) -> list[str]:
    """What a CI run lacks: ../shared and its parts, the test extra's modules; [] if nothing."""
    problems = []
    if not shared.is_dir():
        problems.append(f"../shared is missing: no directory {shared.resolve()} beside the "
                        "repository (the corpus, release snapshots and measurements the "
                        "tests read)")
    else:
        problems += [f"../shared/{part} is missing (looked at {(shared / part).resolve()})"
                     for part in parts if not (shared / part).exists()]
    for name in modules:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            problems.append(f"{name} is not installed (install the test extra: "
                            "pip install -e '.[test,dev]')")
    return problems
