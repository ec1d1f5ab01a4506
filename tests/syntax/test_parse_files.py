"""parse_file at the edge: unreadable input becomes InputError, and the parse cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from confdrift.errors import InputError, ParseError
from confdrift.syntax import cache
from confdrift.syntax.parse import parse_file, parse_text

GOOD = 'A = "x"\nexport B\nC[doc] = "d"\n'


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CONFDRIFT_CACHE_DIR", str(folder))
    monkeypatch.delenv("CONFDRIFT_NO_CACHE", raising=False)
    return folder


def _write(tmp_path: Path, data: bytes, name: str = "local.conf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("data", "line", "words"), [
    (b'A = "x"\nB = "caf\xe9"\n', 2, "byte 0xe9"),
    (b'# comment \xff\n', 1, "byte 0xff"),
    (b'A = "x"\n\x00\x01\x02', 2, "NUL"),
])
def test_undecodable_files_are_input_errors(tmp_path: Path, data: bytes, line: int,
                                            words: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_file(_write(tmp_path, data))
    assert caught.value.line == line
    assert words in caught.value.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        parse_file(tmp_path / "nope.conf")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="directory"):
        parse_file(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.conf"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        parse_file(fifo)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.encode())
    path.chmod(0)
    with pytest.raises(InputError, match="cannot read"):
        parse_file(path)


def test_bom_is_part_of_the_first_line_as_in_bitbake(tmp_path: Path) -> None:
    with pytest.raises(ParseError) as caught:
        parse_file(_write(tmp_path, b'\xef\xbb\xbfA = "x"\n'))
    assert not isinstance(caught.value, InputError)
    assert caught.value.line == 1


def test_cache_hit_equals_a_fresh_parse(tmp_path: Path, cache_dir: Path) -> None:
    path = _write(tmp_path, GOOD.encode())
    first = parse_file(path)
    assert len(list(cache_dir.rglob("*.json"))) == 1
    again = parse_file(path)
    assert again == first == parse_text(GOOD, str(path))


def test_cache_relabels_entries_with_the_current_file_name(tmp_path: Path,
                                                           cache_dir: Path) -> None:
    parse_file(_write(tmp_path, b'A = "x"  # c\n', "one.conf"), recover=True)
    other = parse_file(_write(tmp_path, b'A = "x"  # c\n', "two.conf"), recover=True)
    assert other.filename.endswith("two.conf")
    assert other.errors[0].filename == other.filename
    assert other.statements[0].recovered


def test_cache_key_includes_options(tmp_path: Path, cache_dir: Path) -> None:
    path = _write(tmp_path, b'A="x"\n')
    assert parse_file(path).warnings
    assert not parse_file(path, version="2.12").warnings
    assert len(list(cache_dir.rglob("*.json"))) == 2


@pytest.mark.parametrize("damage", [b"", b"{", b'{"reader": 1}', b"[]", b"\xff\xfe"])
def test_corrupt_cache_entries_are_ignored_and_replaced(tmp_path: Path, cache_dir: Path,
                                                        damage: bytes) -> None:
    path = _write(tmp_path, GOOD.encode())
    expected = parse_file(path)
    (entry,) = cache_dir.rglob("*.json")
    entry.write_bytes(damage)
    assert parse_file(path) == expected
    assert entry.read_bytes() != damage  # replaced by a good entry
    assert parse_file(path) == expected


def test_no_cache_env_disables_it(tmp_path: Path, cache_dir: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFDRIFT_NO_CACHE", "1")
    parse_file(_write(tmp_path, GOOD.encode()))
    assert not cache_dir.exists()


def test_unwritable_cache_dir_is_silently_skipped(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = _write(tmp_path, b"not a directory", "blocker")
    monkeypatch.setenv("CONFDRIFT_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.delenv("CONFDRIFT_NO_CACHE", raising=False)
    assert parse_file(_write(tmp_path, GOOD.encode())).statements


def test_default_cache_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CONFDRIFT_CACHE_DIR", raising=False)
    monkeypatch.delenv("CONFDRIFT_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == str(tmp_path / "confdrift")


def test_rejected_files_are_not_cached(tmp_path: Path, cache_dir: Path) -> None:
    with pytest.raises(ParseError):
        parse_file(_write(tmp_path, b"A = x\n"))
    assert not list(cache_dir.rglob("*.json"))


def test_the_grammar_is_found_in_a_source_tree_without_an_install() -> None:
    # ``python -c 'import confdrift ...'`` in a checkout imports the source tree, where the
    # grammar is grammar/bitbake_conf.lark beside the package, not confdrift.grammar.
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    code = ("import sys; sys.path.insert(0, sys.argv[1]); "
            "from confdrift.syntax.reader import _grammar_text; print(len(_grammar_text()))")
    result = subprocess.run([sys.executable, "-S", "-c", code, str(root)], capture_output=True,
                            text=True, check=False, timeout=60)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == len((root / "grammar" / "bitbake_conf.lark").read_text("utf-8"))
