"""Fixtures the test folders share, and the CI rule for what the suite needs from outside.

Under CI (``CI`` set) the run stops before any test when ../shared or an oracle of the test
extra is missing, and a test parametrised from ../shared that collected no case at all fails
the run: either would otherwise leave thousands of tests skipped and the run green. Without
CI those tests skip (see ``helpers/environment.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers.environment import SHARED, problems_under_ci, require_bitbake, require_shared, under_ci

#: The reason pytest gives a test whose parametrisation came out empty.
_EMPTY_PARAMETERS = "got empty parameter set"


def pytest_sessionstart(session: pytest.Session) -> None:
    if not under_ci():
        return
    problems = problems_under_ci()
    if problems:
        raise pytest.UsageError(
            "CI is set, and the tests need what is missing here:\n  - "
            + "\n  - ".join(problems)
            + "\nWithout CI set, the tests that need it skip instead.")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not under_ci():
        return
    empty = sorted({item.nodeid.split("[")[0] for item in items
                    for mark in item.iter_markers("skip")
                    if str(mark.kwargs.get("reason", "")).startswith(_EMPTY_PARAMETERS)})
    if empty:
        raise pytest.UsageError(
            "CI is set, and these tests collected no case (is ../shared complete?):\n  - "
            + "\n  - ".join(empty))


@pytest.fixture(scope="session")
def shared() -> Path:
    """``../shared`` beside the repository; skips (under CI, fails) when it is absent."""
    require_shared(SHARED)
    return SHARED


@pytest.fixture(scope="session")
def shared_releases() -> Path:
    """``../shared/releases``, the release snapshots; skips (under CI, fails) when absent."""
    releases = SHARED / "releases"
    require_shared(releases)
    return releases


@pytest.fixture(scope="session")
def bb() -> Any:
    """BitBake's ``bb`` library, the oracle; skips (under CI, fails) when it does not import."""
    return require_bitbake()
