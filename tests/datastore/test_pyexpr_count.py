"""scripts/count_inline_python.py cuts ${@...} where BitBake cuts it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "count_inline_python.py"


@pytest.fixture(scope="module")
def counter() -> ModuleType:
    spec = importlib.util.spec_from_file_location("count_inline_python", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ('A = "${@1+1}"', ["1+1"]),
        ('A = "${@1}${@2}"', ["1", "2"]),
        ("A = \"${@{'a': 1}['a']}\"", ["{'a': 1}['a']"]),  # a {...} pair does not end the code
        ("A = \"${@'}'}\"", ["'"]),  # a '}' in a string does
        ("A = \"${@f('${X}')}\"", ["f('${X}')"]),
        ("A = \"${@c('X', 'a', '${@g(d)}', '', d)}\"", ["c('X', 'a', '${@g(d)}', '', d)", "g(d)"]),
        ('A = "${X} $@{no}"', []),
    ],
)
def test_codes_are_cut_as_bitbake_cuts_them(
    counter: ModuleType, text: str, codes: list[str]
) -> None:
    assert list(counter.python_codes(text)) == codes


def test_continued_lines_are_joined_and_keep_their_first_line_number(
    counter: ModuleType,
) -> None:
    text = 'A = "x"\nB = "${@bb.utils.contains(\'F\', \\\n  \'a\', \'1\', \'\', d)}"\nC = "y"\n'
    lines = list(counter.logical_lines(text))
    assert lines[1] == (2, "B = \"${@bb.utils.contains('F',   'a', '1', '', d)}\"")
    assert lines[2] == (4, 'C = "y"')


@pytest.mark.parametrize(
    ("code", "verdict"),
    [
        ("bb.utils.contains('F', 'a', 'x', '', d)", "evaluated"),
        ("d.getVar('PV').split('-')[1]", "bitbake error with placeholder values"),
        ("oe.utils.cpu_count()", "calls oe.utils.cpu_count()"),
        ("get_spl_binary(d)", "calls get_spl_binary()"),  # a class's function, not a variable
    ],
)
def test_classification(counter: ModuleType, code: str, verdict: str) -> None:
    result = counter.classify(code)
    assert verdict in (result if isinstance(result, str) else result.reason)
