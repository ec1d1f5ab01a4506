"""Inline Python (``${@...}``) is never executed, wherever it sits: a value, ``:=``, a flag,
an override, an include path, an included file, the parent side. An escape leaves no trace
(no file, no environment change, no process, no network attempt), and what confdrift
shows or reports says the value was not evaluated.
"""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import confdrift
from confdrift.check import engine
from confdrift.cli import app
from confdrift.errors import ConfdriftError

runner = CliRunner()
MARK = "CONFDRIFT_PWNED"


def escapes(target: Path) -> list[str]:
    """Expressions that would leave a trace if anything ran them."""
    t = str(target)
    return [
        f"__import__('os').system('touch {t}')",
        f"open('{t}', 'w').write('x')",
        f"eval(\"open('{t}', 'w')\")",
        f"exec(\"import os; os.system('touch {t}')\")",
        "().__class__.__base__.__subclasses__()",
        "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'Popen'][0]('id')",
        f"__import__('os').environ.__setitem__('{MARK}', '1')",
        f"os.environ.update({{'{MARK}': '1'}})",
        "__import__('socket').create_connection(('192.0.2.1', 80))",
        "__import__('urllib.request').request.urlopen('http://192.0.2.1/')",
        f"d.setVar('{MARK}', '1')",
        f"bb.utils.mkdirhier('{t}')",
        "'x' * 10**10",
        "[1] * 10**9",
        "(lambda f: f(f))(lambda f: f(f))",
    ]


class Tripwire(Exception):
    """Raised by anything an escape would need to reach the outside."""


@pytest.fixture
def guarded(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fail loudly (and record) on network, process or shell use during the test."""
    calls: list[str] = []

    def trip(what: str) -> Any:
        def fail(*args: object, **kwargs: object) -> None:
            calls.append(what)
            raise Tripwire(what)

        return fail

    class TrippingSocket(socket.socket):
        # A class, not a function: modules imported during the test (ssl) subclass it.
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            trip("socket.socket")()

    monkeypatch.setattr(socket, "socket", TrippingSocket)
    monkeypatch.setattr(socket, "create_connection", trip("socket.create_connection"))
    monkeypatch.setattr(os, "system", trip("os.system"))
    monkeypatch.setattr(subprocess, "Popen", trip("subprocess.Popen"))
    monkeypatch.setenv("CONFDRIFT_NO_CACHE", "1")
    monkeypatch.delenv(MARK, raising=False)
    before = _environment()
    yield calls
    assert calls == []
    assert _environment() == before


def _environment() -> dict[str, str]:
    # pytest rewrites PYTEST_CURRENT_TEST between setup and teardown itself.
    return {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}


def positions(code: str) -> dict[str, str]:
    """One file text per position, each holding ``code``; the variable read is ``V``."""
    return {
        "value": f'V = "${{@{code}}}"\n',
        "immediate": f'V := "${{@{code}}}"\n',
        "weak-default": f'V ??= "${{@{code}}}"\n',
        "append": f'V = "a"\nV:append = " ${{@{code}}}"\n',
        "override": f'OVERRIDES = "o"\nV = "a"\nV:o = "${{@{code}}}"\n',
        "flag": f'V = "a"\nV[doc] = "${{@{code}}}"\n',
        "in-overrides": f'OVERRIDES = "${{@{code}}}"\nV = "a"\n',
        "nested": f'X = "${{@{code}}}"\nV = "${{@d.getVar(\'X\') + \'y\'}}"\n',
        "include-path": f'include ${{@{code}}}.conf\nV = "a"\n',
        "included-file": 'require inc.conf\n',
    }


def _case_ids() -> list[tuple[str, int]]:
    return [(pos, i) for pos in positions("x") for i in range(len(escapes(Path("t"))))]


@pytest.mark.parametrize(("position", "index"), _case_ids())
def test_escape_leaves_no_trace(
    tmp_path: Path, guarded: list[str], position: str, index: int
) -> None:
    target = tmp_path / "pwned"
    code = escapes(target)[index]
    text = positions(code)[position]
    (tmp_path / "inc.conf").write_text(f'V = "${{@{code}}}"\n')
    (tmp_path / "local.conf").write_text(text)
    config = confdrift.load(tmp_path / "local.conf")
    try:
        value = config.get("V")
        flag = config.get_flag("V", "doc", expand=True)
    except ConfdriftError:
        value = flag = None  # an error is an outcome too; running the code is not
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inc.conf", "local.conf"]
    assert config.get(MARK) is None
    if position in ("value", "immediate", "weak-default", "included-file") and value:
        assert "${@" in value and not config.is_evaluated("V")
    if position == "flag":
        assert flag is not None and "${@" in flag


def test_show_says_not_evaluated(tmp_path: Path, guarded: list[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "pwned"
    monkeypatch.chdir(tmp_path)
    code = escapes(target)[0]
    (tmp_path / "local.conf").write_text(f'V = "${{@{code}}}"\nW = "plain"\n')
    result = runner.invoke(app, ["show", "local.conf"])
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("V")]
    assert "not evaluated" in line
    json_result = runner.invoke(app, ["show", "local.conf", "--format", "json"])
    assert '"evaluated": false' in json_result.stdout
    assert not target.exists()


@pytest.mark.parametrize("side", ["child", "parent"])
def test_findings_say_the_value_was_not_evaluated(
    tmp_path: Path, guarded: list[str], side: str
) -> None:
    target = tmp_path / "pwned"
    hostile = f'PACKAGE_CLASSES = "${{@{escapes(target)[0]}}}"\n'
    plain = 'PACKAGE_CLASSES = "package_ipk"\n'
    for name in ("child", "parent"):
        conf = tmp_path / name / "conf"
        conf.mkdir(parents=True)
        machine = 'MACHINE = "qemux86-64"\n'
        (conf / "local.conf").write_text(machine + (hostile if name == side else plain))
    findings = engine.check_builds([str(tmp_path / "child" / "conf" / "local.conf")],
                            str(tmp_path / "parent" / "conf" / "local.conf"), None)
    about = [f for f in findings if f.variable == "PACKAGE_CLASSES"]
    # The drift finding marks the side that holds the text...
    sides = [getattr(f, side) for f in about if getattr(f, side) is not None]
    assert sides, findings
    assert all(not s.evaluated and "not evaluated" in s.source for s in sides)
    # ...and a finding of its own says the value was not evaluated.
    assert any("not evaluated" in f.message for f in about if f.child is None)
    assert not target.exists()
