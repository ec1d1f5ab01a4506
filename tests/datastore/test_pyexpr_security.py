"""Hostile ${@...} code is never run: it is not evaluated, has no effect, and returns fast."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from confdrift.datastore.pyexpr import NotEvaluated, PyExprError, evaluate

MARKER = "MARKER"  # replaced by a path in tmp_path that must never come into existence

HOSTILE = [
    "__import__('os').system('touch MARKER')",
    "open('MARKER', 'w').write('x')",
    "eval(\"open('MARKER', 'w')\")",
    "exec(\"open('MARKER', 'w')\")",
    "compile('1', 'f', 'eval')",
    "os.system('touch MARKER')",
    "os.makedirs('MARKER')",
    "bb.utils.mkdirhier('MARKER')",
    "bb.process.run('touch MARKER')",
    "os.environ.__setitem__('CONFDRIFT_PWNED', '1')",
    "os.putenv('CONFDRIFT_PWNED', '1')",
    "os.environ.update(CONFDRIFT_PWNED='1')",
    "d.setVar('CONFDRIFT_PWNED', '1')",
    "().__class__.__base__.__subclasses__()",
    "''.__class__.__mro__[1].__subclasses__()",
    "d.__class__",
    "bb.utils.contains.__globals__",
    "getattr(d, 'setVar')('A', '1')",
    "[c for c in ().__class__.__base__.__subclasses__()]",
    "(lambda: __import__('os'))()",
    "f\"{__import__('os').system('touch MARKER')}\"",
    "__builtins__['eval']('1')",
    "type(d)",
    "vars()",
    "globals()",
    "breakpoint()",
    "input()",
    "exit()",
    "time.sleep(5)",
    "bb.fatal('x')",
    "oe.utils.getstatusoutput('touch MARKER')",
    # resource exhaustion
    "'a' * 10**9",
    "[0] * 10**9",
    "9**9**9",
    "10**10**10",
    "2 << 10**9",
    "('a' * 2**20) * 2**20",
    "'a' * 2**20 + 'a' * 2**20",
    "'x'.join(['a' * 1000] * 2000)",
    "'ab'.replace('', 'x' * 1000000)",
    "'%9999999999s' % 'x'",
    "f'{1:>999999999}'",
    "str([[['a' * 100000] * 100] * 100])",
    "d.getVar('X' * 10**9)",
    "int('9' * 5000)",
    "-" * 5000 + "1",
    "[" * 150 + "]" * 150,
    "1+" * 3000 + "1",
    "not " * 5000 + "1",
    "(" * 150 + "1" + ")" * 150 + " + __import__('os').getpid()",
    # each step bounded, the sum of them not
    "+".join(["len(str([0] * 90000))"] * 20),
    "+".join(["len(('a ' * 49000).split())"] * 20),
    "+".join(["len(str([('a',)] * 45000))"] * 60),
    "+".join(["len(('a' * 500000).replace('a', 'bb'))"] * 60),
]


def getvar(name: str, expand: bool) -> str | None:
    return {"MACHINE": "qemux86"}.get(name)


@pytest.mark.parametrize("template", HOSTILE)
def test_hostile_code_is_not_evaluated_and_has_no_effect(template: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    code = template.replace(MARKER, str(marker))
    environ = dict(os.environ)
    start = time.monotonic()
    result = evaluate(code, getvar)
    assert time.monotonic() - start < 1.0
    assert isinstance(result, NotEvaluated), result
    assert result.reason
    assert not marker.exists()
    assert dict(os.environ) == environ


@pytest.mark.parametrize(
    "code",
    [
        "'a' * 2**19",  # just under the 1 MiB limit: still evaluated
        "[0] * 1000",
        "2 ** 4000",
        "'x' * 1000000 == 'x'",
    ],
)
def test_large_but_bounded_values_are_still_evaluated(code: str) -> None:
    result = evaluate(code, getvar)
    assert isinstance(result, str)


def test_the_datastore_is_only_read(tmp_path: Path) -> None:
    reads: list[tuple[str, bool]] = []

    def recording(name: str, expand: bool) -> str | None:
        reads.append((name, expand))
        return None

    with pytest.raises(PyExprError):
        evaluate("d.getVar('A') + B", recording)
    assert reads == [("A", True), ("B", True)]
