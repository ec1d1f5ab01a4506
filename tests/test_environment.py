"""Under CI a test never skips for want of ../shared or an oracle: it fails, and so does the run.

Without CI the same tests skip. All of it goes through tests/helpers/environment.py and the
hooks of tests/conftest.py; these tests hold both to it, and keep new tests from skipping on
../shared or the oracles by themselves.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import conftest
import pytest
from helpers import environment

TESTS = Path(__file__).resolve().parent
#: What a skip is about when it skips for want of ../shared or BitBake.
_ABOUT_SHARED_OR_ORACLE = re.compile(r"shared|corpus|release|schema|BitBake|\bbb\b", re.IGNORECASE)


@pytest.mark.parametrize("value", ["", "0", "false", "no"])
def test_without_ci_a_missing_shared_path_skips(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str
) -> None:
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.skip.Exception, match="is not available"):
        environment.require_shared(tmp_path / "absent")


def test_under_ci_a_missing_shared_path_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"\.\./shared/no-such-part.*CI is set"):
        environment.require_shared(environment.SHARED / "no-such-part")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        environment.require_module("confdrift_no_such_module")


def test_under_ci_the_run_stops_when_shared_is_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    problems = environment.problems_under_ci(shared=tmp_path / "shared", modules=["bb"])
    assert len(problems) == 1 and problems[0].startswith("../shared is missing")
    monkeypatch.setattr(conftest, "problems_under_ci", lambda: problems)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.UsageError, match=r"CI is set[\s\S]*\.\./shared is missing"):
        conftest.pytest_sessionstart(None)  # type: ignore[arg-type]
    monkeypatch.delenv("CI")
    conftest.pytest_sessionstart(None)  # type: ignore[arg-type]


def _own_skips(path: Path) -> list[str]:
    """pytest.skip/skipif calls about ../shared or BitBake, and any pytest.importorskip."""
    source = path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func)
        text = ast.get_source_segment(source, node) or ""
        if name == "pytest.importorskip" or (
            name in ("pytest.skip", "pytest.mark.skipif") and _ABOUT_SHARED_OR_ORACLE.search(text)
        ):
            found.append(f"{path.relative_to(TESTS)}:{node.lineno}: {text}")
    return found


def test_no_test_skips_on_shared_or_an_oracle_by_itself() -> None:
    own = [skip for path in sorted(TESTS.rglob("*.py")) if path.name != "environment.py"
           for skip in _own_skips(path)]
    assert own == [], "use helpers.environment (require_shared, require_bitbake, ...) instead"
