"""Broken and hostile files end in one of confdrift's errors with a file (and a line where
there is one), through parse_file, load, ``confdrift show`` and ``confdrift check``
(exit 2, one line, no traceback). Nothing blocks: a FIFO is refused before it is opened.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import confdrift
from confdrift import limits
from confdrift.cli import app
from confdrift.errors import ConfdriftError, InputError, LimitError, ParseError
from confdrift.limits import Limits
from confdrift.syntax.parse import parse_file

runner = CliRunner()
Maker = Callable[[Path], Path]


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFDRIFT_NO_CACHE", "1")


def _text(data: bytes) -> Maker:
    def make(folder: Path) -> Path:
        path = folder / "local.conf"
        path.write_bytes(data)
        return path

    return make


def _directory(folder: Path) -> Path:
    path = folder / "local.conf"
    path.mkdir()
    return path


def _fifo(folder: Path) -> Path:
    path = folder / "local.conf"
    os.mkfifo(path)
    return path


def _dangling(folder: Path) -> Path:
    path = folder / "local.conf"
    path.symlink_to(folder / "nowhere.conf")
    return path


def _missing(folder: Path) -> Path:
    return folder / "local.conf"


# (id, how to make the file, error class, expected line or None, words in the message)
BROKEN: list[tuple[str, Maker, type[ConfdriftError], int | None, str]] = [
    ("nul-byte", _text(b'A = "1"\nB = "\x00"\n'), InputError, 2, "NUL"),
    ("binary", _text(b"\x7fELF\x02\x01\x01\x00\x00\x00"), InputError, 1, "NUL"),
    ("latin-1", _text(b'A = "1"\n# caf\xe9\n'), InputError, 2, "0xe9"),
    ("truncated-utf8", _text(b'A = "\xe2\x82"\n'), InputError, 1, "UTF-8"),
    ("directory", _directory, InputError, None, "directory"),
    ("fifo", _fifo, InputError, None, "FIFO"),
    ("dangling-symlink", _dangling, InputError, None, "no such file"),
    ("missing", _missing, InputError, None, "no such file"),
    ("unterminated-quote", _text(b'A = "1\n'), ParseError, 1, ""),
    ("lone-backslash", _text(b"\\\n"), ParseError, 1, "backslash"),
]
IDS = [case[0] for case in BROKEN]


@pytest.mark.parametrize(("name", "make", "error", "line", "words"), BROKEN, ids=IDS)
def test_parse_file_refuses_with_file_and_line(
    tmp_path: Path, name: str, make: Maker, error: type[ConfdriftError], line: int | None,
    words: str,
) -> None:
    path = make(tmp_path)
    with pytest.raises(error) as caught:
        parse_file(path)
    assert caught.value.filename == str(path)
    assert caught.value.line == line
    assert words in caught.value.message


@pytest.mark.parametrize(("name", "make", "error", "line", "words"), BROKEN, ids=IDS)
def test_load_refuses_the_same_way(
    tmp_path: Path, name: str, make: Maker, error: type[ConfdriftError], line: int | None,
    words: str,
) -> None:
    path = make(tmp_path)
    with pytest.raises(error) as caught:
        confdrift.load(path)
    assert caught.value.filename is not None and Path(caught.value.filename).name == path.name
    assert caught.value.line == line


@pytest.mark.parametrize("command", ["show", "check"])
@pytest.mark.parametrize(("name", "make", "error", "line", "words"), BROKEN, ids=IDS)
def test_cli_exit_2_one_line_no_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, name: str, make: Maker,
    error: type[ConfdriftError], line: int | None, words: str,
) -> None:
    if command == "check" and error is ParseError:
        pytest.skip("check reports syntax errors as CD0xx findings, not as a failure")
    monkeypatch.chdir(tmp_path)
    path = make(tmp_path)
    result = runner.invoke(app, [command, str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    (message,) = result.stderr.splitlines()
    where = f"{path}:{line}:" if line is not None else f"{path}:"
    assert message.startswith(f"confdrift: error: {where}"), message


def test_unreadable_file_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root in CI, where chmod 000 does not stop a read: make open() refuse.
    path = _text(b'A = "1"\n')(tmp_path)
    real_open = os.open

    def denied(name: str | os.PathLike[str], *args: object, **kwargs: object) -> int:
        if os.fspath(name) == str(path):
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(InputError, match="Permission denied") as caught:
        parse_file(path)
    assert caught.value.filename == str(path)


INCLUDES = [
    # (statement, error class or None when the include is skipped, words)
    ("include /dev/zero", ParseError, "not a BitBake file"),
    ("require /dev/null", ParseError, "not a BitBake file"),
    # Itself by a relative name: BitBake recurses until Python's stack overflows.
    ("include local.conf", ParseError, "include cycle"),
    ("include missing.conf", None, ""),
    ("require missing.conf", ParseError, "Could not include required file"),
    ("require ../../../../../../../../etc/passwd.conf", ParseError, "Could not include"),
    ("include ${@open('/etc/passwd').read()}.conf", None, ""),
    ("include sub.conf", ParseError, "include cycle"),
    ("require fifo.conf", ParseError, "Could not include required file"),
    ("require adir.conf", ParseError, "Could not include required file"),
]


@pytest.mark.parametrize(("statement", "error", "words"), INCLUDES)
def test_hostile_includes_end_in_a_value_or_an_error_at_the_statement(
    tmp_path: Path, statement: str, error: type[ConfdriftError] | None, words: str
) -> None:
    os.mkfifo(tmp_path / "fifo.conf")
    (tmp_path / "adir.conf").mkdir()
    (tmp_path / "sub.conf").write_text("include sub2.conf\n")
    (tmp_path / "sub2.conf").write_text("include sub.conf\n")
    path = tmp_path / "local.conf"
    path.write_text(f'A = "1"\n{statement}\nB = "2"\n')
    if error is None:
        assert confdrift.load(path).get("B") == "2"
        return
    with pytest.raises(error, match=words) as caught:
        confdrift.load(path)
    assert caught.value.filename is not None and caught.value.line is not None


def test_file_size_limit_from_the_configuration_reaches_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".confdrift.toml").write_text("[limits]\nmax-file-size = 64\n")
    (tmp_path / "local.conf").write_text('A = "' + "x" * 100 + '"\n')
    result = runner.invoke(app, ["show", "local.conf"])
    assert result.exit_code == 2
    assert "max-file-size" in result.stderr and "local.conf" in result.stderr


def test_line_length_limit_is_a_limit_error_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "local.conf"
    path.write_text('A = "1"\nB = "x \\\n' + "y \\\n" * 2000 + '"\n')
    with limits.using(Limits(max_line_length=1000)), pytest.raises(LimitError) as caught:
        parse_file(path)
    assert (caught.value.filename, caught.value.line) == (str(path), 2)
    assert "max-line-length" in caught.value.message


def _laughs() -> str:
    levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    body = "\n".join(levels)
    return f"header:\n  version: 14\nmachine: m\n{body}\nlocal_conf_header:\n  x: *i\n"


KAS = [
    ("billion-laughs", _laughs(), "YAML aliases"),
    ("deep-nesting", "a: " + "[" * 50_000 + "]" * 50_000 + "\n", "nests too deeply"),
    ("python-tag", '!!python/object/apply:os.system ["touch pwned"]\n', "not valid"),
]


@pytest.mark.parametrize(("text", "words"), [c[1:] for c in KAS], ids=[c[0] for c in KAS])
def test_hostile_kas_files_end_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, words: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "project.yml").write_text(text)
    result = runner.invoke(app, ["check", "project.yml"])
    assert result.exit_code == 2, result.output
    assert words in result.stderr and "project.yml" in result.stderr
    assert not (tmp_path / "pwned").exists()


ADVERSARIAL = {
    "override-cycle": 'OVERRIDES = "${A}"\nA = "x"\nA:x = "y"\nA:y = "x"\n',
    "python-reads-back": "A = \"${@d.getVar('B')}\"\nB = \"${@d.getVar('A')}\"\n",
    "remove-refers-back": 'A = "a b c"\nA:remove = "${A}"\n',
    "bbpath-python": 'BBPATH = "${@x}:/dev/zero:/"\ninclude passwd.conf\n',
    "include-all-python": "include_all ${@x}\n",
    "flag-default-self": 'A[_defaultval] = "x"\nA[_content] = "${A}"\nA ??= "${A}"\n',
    "operators-self": 'A ?= "1"\nA := "${A}${A}"\nA .= "${A}"\nA += "${A}"\n',
    "overrides-grow": 'OVERRIDES = "${OVERRIDES}:a"\n',
}


@pytest.mark.parametrize("command", ["show", "check"])
@pytest.mark.parametrize("text", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_adversarial_statements_end_with_a_located_error_or_a_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, text: str
) -> None:
    monkeypatch.chdir(tmp_path)
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "local.conf").write_text(text)
    result = runner.invoke(app, [command, "conf/local.conf"])
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        (message,) = result.stderr.splitlines()[:1]
        assert re.match(r"confdrift: error: \S*local\.conf:\d+", message), message
