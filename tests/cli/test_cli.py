"""The command line: exit codes, formats, configuration merging and errors.

The engine is replaced by a fake returning fixed findings, so these tests pin the shell's
contract (exit codes, output routing, error mapping), not the rules.
"""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import confdrift.check
from confdrift import rules
from confdrift.cli import app
from confdrift.errors import ParseError
from confdrift.findings import Assign, Finding, Fix, Location, Severity, Side
from confdrift.rules.meta import UNUSED_SUPPRESSION

runner = CliRunner()

WARNING = Finding(
    "CD102",
    "varflag-drift",
    Severity.WARNING,
    "SRC_URI[sha256sum] differs",
    Location("local.conf", 2),
    "SRC_URI[sha256sum]",
    Side("a", "local.conf:2"),
    Side("b", "parent.conf:1"),
)
ERROR = Finding("CD101", "package-classes-drift", Severity.ERROR, "m", Location("local.conf", 1))
INFO = Finding("CD301", "hashserv", Severity.INFO, "m")

Engine = Callable[[Sequence[str], "str | None", Any], list[Finding]]


def fake_engine(monkeypatch: pytest.MonkeyPatch, check: Engine) -> list[tuple[Any, ...]]:
    """The engine with ``check`` standing for the rules: its findings are settled (settings
    applied) by the engine's own :func:`~confdrift.check.engine.settle`."""
    calls: list[tuple[Any, ...]] = []
    from confdrift.check.engine import settle

    def recording(children: Sequence[str], parent: str | None, settings: Any) -> list[Finding]:
        calls.append((list(children), parent, settings))
        return settle(check(children, parent, settings), settings)

    module = types.ModuleType("confdrift.check.engine")
    module.check_builds = recording  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "confdrift.check.engine", module)
    monkeypatch.setattr(confdrift.check, "engine", module, raising=False)
    return calls


def returning(*findings: Finding) -> Engine:
    return lambda children, parent, settings: list(findings)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "local.conf").write_text('MACHINE = "qemux86-64"\n', encoding="utf-8")
    (tmp_path / "parent.conf").write_text('MACHINE = "qemuarm"\n', encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("findings", "fail_on", "code"),
    [
        ((), None, 0),
        ((INFO, WARNING), None, 0),
        ((ERROR,), None, 1),
        ((WARNING,), "warning", 1),
        ((INFO,), "warning", 0),
        ((INFO,), "info", 1),
        ((ERROR,), "error", 1),
    ],
)
def test_exit_code_follows_fail_on(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    findings: tuple[Finding, ...],
    fail_on: str | None,
    code: int,
) -> None:
    fake_engine(monkeypatch, returning(*findings))
    extra = ["--fail-on", fail_on] if fail_on else []
    result = runner.invoke(app, ["check", "local.conf", "--parent", "parent.conf", *extra])
    assert result.exit_code == code, result.output


def test_child_and_parent_reach_the_engine(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fake_engine(monkeypatch, returning())
    result = runner.invoke(app, ["check", "a.conf", "b.conf", "--parent", "p.conf"])
    assert result.exit_code == 0
    ((children, parent, settings),) = calls
    assert (children, parent, settings.parent) == (["a.conf", "b.conf"], "p.conf", "p.conf")


@pytest.mark.parametrize(
    ("fmt", "parse"),
    [
        ("json", lambda out: json.loads(out)["findings"][0]["code"]),
        ("sarif", lambda out: json.loads(out)["runs"][0]["results"][0]["ruleId"]),
        ("github", lambda out: out.split()[1].split(",")[0]),
        ("junit", lambda out: "CD102" if "CD102 varflag-drift" in out else out),
        ("text", lambda out: "CD102" if "SRC_URI[sha256sum] differs" in out else out),
    ],
)
def test_formats_go_to_stdout(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, parse: Callable[[str], str]
) -> None:
    fake_engine(monkeypatch, returning(WARNING))
    monkeypatch.setattr(rules, "lookup", lambda code: None)
    result = runner.invoke(app, ["check", "local.conf", "--format", fmt])
    assert result.exit_code == 0, result.output
    expected = "file=local.conf" if fmt == "github" else "CD102"
    assert parse(result.stdout) == expected


def test_output_file_is_written_and_stdout_stays_empty(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_engine(monkeypatch, returning(ERROR))
    result = runner.invoke(app, ["check", "local.conf", "-f", "json", "-o", "report.json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert json.loads((workdir / "report.json").read_text())["summary"]["error"] == 1


def test_select_and_ignore_from_the_command_line(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_engine(monkeypatch, returning(ERROR, WARNING, INFO))

    def codes(*args: str) -> list[str]:
        result = runner.invoke(app, ["check", "local.conf", "-f", "json", *args])
        return [f["code"] for f in json.loads(result.stdout)["findings"]]

    assert codes() == ["CD101", "CD102", "CD301"]
    assert codes("--ignore", "CD1") == ["CD301"]
    assert codes("--select", "CD1", "--ignore", "CD101") == ["CD102"]
    assert codes("--select", "CD101,CD3") == ["CD101", "CD301"]


def test_config_file_then_command_line(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (workdir / ".confdrift.toml").write_text(
        'parent = "parent.conf"\nfail-on = "warning"\n[severity]\nCD101 = "info"\n'
    )
    calls = fake_engine(monkeypatch, returning(ERROR, WARNING))
    assert runner.invoke(app, ["check", "local.conf"]).exit_code == 1
    assert calls[-1][1] == str(workdir.resolve() / "parent.conf")
    assert runner.invoke(app, ["check", "local.conf", "--fail-on", "error"]).exit_code == 0
    result = runner.invoke(app, ["check", "local.conf", "-f", "json"])
    severities = {f["code"]: f["severity"] for f in json.loads(result.stdout)["findings"]}
    assert severities == {"CD101": "info", "CD102": "warning"}


def test_unknown_config_key_is_exit_2_naming_key_and_file(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / ".confdrift.toml").write_text('fail_on = "warning"\n')
    fake_engine(monkeypatch, returning())
    result = runner.invoke(app, ["check", "local.conf"])
    assert result.exit_code == 2
    assert "'fail_on'" in result.stderr
    assert ".confdrift.toml" in result.stderr


def test_confdrift_error_is_exit_2_with_location(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> list[Finding]:
        raise ParseError("unterminated quote", "conf/local.conf", 7, 12)

    fake_engine(monkeypatch, broken)
    result = runner.invoke(app, ["check", "local.conf"])
    assert result.exit_code == 2
    assert result.stderr == "confdrift: error: conf/local.conf:7:12: unterminated quote\n"


@pytest.mark.parametrize(("debug", "traceback"), [(False, False), (True, True)])
def test_internal_error_is_exit_3_with_a_hint(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, debug: bool, traceback: bool
) -> None:
    def broken(*args: Any) -> list[Finding]:
        raise KeyError("oops")

    fake_engine(monkeypatch, broken)
    result = runner.invoke(app, ["check", "local.conf", *(["--debug"] if debug else [])])
    assert result.exit_code == 3
    assert "internal error: KeyError" in result.stderr
    assert "please report" in result.stderr.lower()
    assert ("Traceback" in result.stderr) is traceback


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", "local.conf", "--format", "xml"],
        ["check", "local.conf", "--fail-on", "fatal"],
        ["check", "local.conf", "--no-such-option"],
        ["check", "local.conf", "--select", "XY9"],
        ["nonsense"],
    ],
)
def test_usage_errors_are_exit_2(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    fake_engine(monkeypatch, returning(ERROR))
    assert runner.invoke(app, args).exit_code == 2


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert (result.exit_code, result.stdout) == (0, f"confdrift {confdrift.__version__}\n")


@pytest.mark.parametrize("command", ["check", "show", "explain", "rules"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.stdout
    assert f"confdrift {command}" in result.stdout


def test_help_keeps_bitbake_brackets() -> None:
    assert "SRC_URI[sha256sum]" in runner.invoke(app, ["show", "--help"]).stdout


def test_rules_lists_code_name_severity_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "all_rules", lambda: (UNUSED_SUPPRESSION,))
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    assert result.stdout.split(maxsplit=3)[:3] == ["CD901", "unused-suppression", "warning"]


@pytest.mark.parametrize("name", ["CD901", "cd901", "unused-suppression"])
def test_explain_a_rule(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    table = {"CD901": UNUSED_SUPPRESSION, "UNUSED-SUPPRESSION": UNUSED_SUPPRESSION}
    monkeypatch.setattr(rules, "lookup", lambda key: table.get(key.upper()))
    result = runner.invoke(app, ["explain", name])
    assert result.exit_code == 0
    assert result.stdout.startswith("CD901 unused-suppression")
    assert "## How to fix" in result.stdout


def test_explain_unknown_rule_without_files_is_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "lookup", lambda key: None)
    result = runner.invoke(app, ["explain", "MACHINE"])
    assert result.exit_code == 2
    assert "give the .conf files" in result.stderr


def test_importing_the_cli_stays_light() -> None:
    import subprocess

    code = "import sys, confdrift.cli; print(sorted({m.split('.')[0] for m in sys.modules}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    for heavy in ("rich", "deepdiff", "lark"):
        assert f"'{heavy}'" not in out.stdout


FIXABLE = Finding(
    "CD101",
    "package-classes-drift",
    Severity.ERROR,
    "differs",
    Location("local.conf", 1),
    "PACKAGE_CLASSES",
    remedy=Fix.of(Assign("PACKAGE_CLASSES", "package_ipk")),
)


def test_fix_rewrites_the_child_keeps_a_backup_and_reports_the_rest(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = workdir / "local.conf"
    child.write_bytes(b'PACKAGE_CLASSES = "package_rpm"\r\n# note\r\n')
    fake_engine(monkeypatch, returning(FIXABLE, WARNING))
    result = runner.invoke(app, ["check", "local.conf", "--fix", "-f", "json"])
    assert child.read_bytes() == b'PACKAGE_CLASSES = "package_ipk"\r\n# note\r\n'
    assert (
        workdir / "local.conf.orig"
    ).read_bytes() == b'PACKAGE_CLASSES = "package_rpm"\r\n# note\r\n'
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == ["CD102"]
    assert result.exit_code == 0


def test_diff_prints_the_change_and_writes_nothing(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = workdir / "local.conf"
    child.write_text('PACKAGE_CLASSES = "package_rpm"\n')
    fake_engine(monkeypatch, returning(FIXABLE))
    result = runner.invoke(app, ["check", "local.conf", "--diff"])
    assert result.stdout.splitlines() == [
        "--- a/local.conf",
        "+++ b/local.conf",
        "@@ -1 +1 @@",
        '-PACKAGE_CLASSES = "package_rpm"',
        '+PACKAGE_CLASSES = "package_ipk"',
    ]
    assert child.read_text() == 'PACKAGE_CLASSES = "package_rpm"\n'
    assert result.exit_code == 1


SHOWN = 'MACHINE ?= "qemuarm"\nMACHINE = "qemux86-64"\nSRC_URI[sha256sum] = "ab[c]"\nunset X\n'


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--var", "MACHINE"],
            'MACHINE = "qemux86-64"\n#   {f}:1 ?= "qemuarm"\n#   {f}:2 = "qemux86-64"\n',
        ),
        (
            ["--var", "SRC_URI[sha256sum]"],
            'SRC_URI[sha256sum] = "ab[c]"\n#   {f}:3 [sha256sum] = "ab[c]"\n',
        ),
        (["--var", "NOPE"], "# NOPE is not set\n"),
    ],
)
def test_show_text(workdir: Path, args: list[str], expected: str) -> None:
    (workdir / "local.conf").write_text(SHOWN)
    result = runner.invoke(app, ["show", "local.conf", *args])
    assert result.exit_code == 0, result.output
    assert result.stdout == expected.format(f=workdir / "local.conf")


def test_show_everything_is_sorted_assignments(workdir: Path) -> None:
    (workdir / "local.conf").write_text(SHOWN)
    lines = runner.invoke(app, ["show", "local.conf"]).stdout.splitlines()
    assert 'MACHINE = "qemux86-64"' in lines
    assert lines == sorted(lines)


def test_explain_a_variable_marks_the_steps_that_count(workdir: Path) -> None:
    (workdir / "local.conf").write_text('A = "1"\nA = "2"\nA:append = " 3"\n')
    result = runner.invoke(app, ["explain", "A", "local.conf"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == 'A = "2 3"'
    f = workdir / "local.conf"
    assert lines[2:5] == [f'  {f}:1  = "1"', f'* {f}:2  = "2"', f'* {f}:3  :append " 3"']
