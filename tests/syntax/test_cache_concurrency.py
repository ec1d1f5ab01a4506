"""Nothing is lost: the parse cache under several processes, damaged entries, no writable
cache, and injected faults (disk full, permission denied, interrupt) in the cache,
``--output`` and ``--fix``.
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.environment import shared_missing
from typer.testing import CliRunner

from confdrift.cli import app
from confdrift.syntax import cache
from confdrift.syntax.parse import parse_file

runner = CliRunner()
CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
SAMPLE = (
    'MACHINE ??= "qemux86-64"\n'
    'DISTRO ?= "poky"\n'
    'PACKAGE_CLASSES = "package_rpm"\n'
    'EXTRA_IMAGE_FEATURES += "debug-tweaks"\n'
    "# a comment \\\n"
    "# continued\n"
    'IMAGE_INSTALL:append = " \\\n    vim \\\n    git"\n'
)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CONFDRIFT_CACHE_DIR", str(folder))
    monkeypatch.delenv("CONFDRIFT_NO_CACHE", raising=False)
    return folder


def _corpus_files(count: int) -> list[Path]:
    files = sorted((CORPUS / "users").glob("**/*.conf"))[:count]
    if not files:
        shared_missing("the shared corpus is absent")
    return files


def _parse_all(paths: list[str], rounds: int) -> list[str]:
    """Worker: parse every file several times (hits and misses interleave across workers)."""
    out = []
    for _ in range(rounds):
        out = [repr(parse_file(p, recover=True)) for p in paths]
    return out


def test_processes_sharing_one_cache_agree_with_a_fresh_parse(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [str(p) for p in _corpus_files(40)]
    context = multiprocessing.get_context("fork")
    with context.Pool(4) as pool:
        results = pool.starmap(_parse_all, [(paths, 3)] * 4)
    monkeypatch.setenv("CONFDRIFT_NO_CACHE", "1")
    fresh = [repr(parse_file(p, recover=True)) for p in paths]
    assert all(result == fresh for result in results)
    entries = list(cache_dir.rglob("*"))
    assert not [p for p in entries if p.name.endswith(".tmp")]
    monkeypatch.delenv("CONFDRIFT_NO_CACHE")
    assert [repr(parse_file(p, recover=True)) for p in paths] == fresh


def _damage_cases() -> list[tuple[str, Callable[[bytes], bytes]]]:
    def flip_digit(raw: bytes) -> bytes:
        # Still valid JSON, but a line number changes: only the digest can tell.
        at = next(i for i in range(len(raw) - 1, 0, -1) if raw[i:i + 1].isdigit())
        digit = b"7" if raw[at:at + 1] != b"7" else b"3"
        return raw[:at] + digit + raw[at + 1:]

    return [
        ("empty", lambda raw: b""),
        ("half", lambda raw: raw[: len(raw) // 2]),
        ("all-but-last-byte", lambda raw: raw[:-1]),
        ("flipped-digit", flip_digit),
        ("garbage", lambda raw: os.urandom(len(raw))),
        ("deeply-nested", lambda raw: b"[" * 100_000),
        ("other-shape", lambda raw: b'{"sum": "0", "reader": []}'),
    ]


@pytest.mark.parametrize(("name", "damage"), _damage_cases(), ids=[c[0] for c in _damage_cases()])
def test_damaged_entry_is_ignored_and_replaced(
    tmp_path: Path, cache_dir: Path, name: str, damage: Callable[[bytes], bytes]
) -> None:
    path = tmp_path / "local.conf"
    path.write_text(SAMPLE)
    expected = parse_file(path)
    (entry,) = cache_dir.rglob("*.json")
    good = entry.read_bytes()
    entry.write_bytes(damage(good))
    assert parse_file(path) == expected
    assert entry.read_bytes() == good


@pytest.mark.parametrize("blocker", ["file-in-the-way", "read-only"])
def test_works_without_a_writable_cache_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blocker: str
) -> None:
    path = tmp_path / "local.conf"
    path.write_text(SAMPLE)
    if blocker == "file-in-the-way":
        (tmp_path / "plain").write_text("x")
        folder = tmp_path / "plain" / "cache"
    else:
        folder = tmp_path / "ro"
        folder.mkdir()

        def refused(*args: object, **kwargs: object) -> tuple[int, str]:
            raise PermissionError(errno.EACCES, "Permission denied")

        # Root ignores directory modes (CI runs as root): refuse the temporary file instead.
        monkeypatch.setattr(tempfile, "mkstemp", refused)
    monkeypatch.setenv("CONFDRIFT_CACHE_DIR", str(folder))
    monkeypatch.delenv("CONFDRIFT_NO_CACHE", raising=False)
    assert parse_file(path).statements
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["show", "local.conf"]).exit_code == 0


def _fault(kind: str) -> BaseException:
    return {
        "disk-full": OSError(errno.ENOSPC, "No space left on device"),
        "permission": PermissionError(errno.EACCES, "Permission denied"),
        "interrupt": KeyboardInterrupt(),
    }[kind]


FAULTS = ["disk-full", "permission", "interrupt"]


@pytest.mark.parametrize("kind", FAULTS)
def test_cache_write_fault_keeps_the_old_entry_and_no_temporary(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    path = tmp_path / "local.conf"
    path.write_text(SAMPLE)
    parsed = parse_file(path)
    (entry,) = cache_dir.rglob("*.json")
    good = entry.read_bytes()

    real_fdopen = os.fdopen

    class HalfWriter:
        """Writes half of what it is given, then fails: a disk filling up mid-entry."""

        def __init__(self, fd: int, *args: object, **kwargs: object) -> None:
            self.file = real_fdopen(fd, *args, **kwargs)  # type: ignore[call-overload]

        def __enter__(self) -> HalfWriter:
            return self

        def __exit__(self, *exc: object) -> None:
            self.file.close()

        def write(self, text: str) -> int:
            self.file.write(text[: len(text) // 2])
            self.file.flush()
            raise _fault(kind)

    monkeypatch.setattr(os, "fdopen", HalfWriter)
    # The entry the writer would replace differs from the old one, so damage would show.
    parsed = parsed._replace(statements=parsed.statements[:1])
    data = path.read_bytes()
    options = next(iter(_options_of(path)))
    if kind == "interrupt":
        with pytest.raises(KeyboardInterrupt):
            cache.store(data, options, parsed)
    else:
        cache.store(data, options, parsed)  # silently skipped: the cache is optional
    assert entry.read_bytes() == good
    assert not [p for p in cache_dir.rglob("*") if p.name.endswith(".tmp")]


def _options_of(path: Path) -> list[cache.Options]:
    """The options parse_file used for ``path`` (found by the entry it wrote)."""
    from confdrift.syntax.parse import base_config_for, reader_for
    from confdrift.syntax.releases import dialect

    name = str(path)
    return [(reader_for(name), base_config_for(name), dialect(None).version, False)]


def _drifting_pair(root: Path) -> tuple[Path, Path]:
    child, parent = root / "child" / "conf", root / "parent" / "conf"
    child.mkdir(parents=True)
    parent.mkdir(parents=True)
    (child / "local.conf").write_bytes(
        b'MACHINE = "qemux86-64"\r\nPACKAGE_CLASSES = "package_rpm"\r\n# \xc3\xa9t\xc3\xa9\r\n')
    (parent / "local.conf").write_text('MACHINE = "qemux86-64"\nPACKAGE_CLASSES = "package_ipk"\n')
    return child / "local.conf", parent / "local.conf"


@pytest.mark.parametrize("kind", FAULTS)
@pytest.mark.parametrize("mode", ["output", "fix"])
def test_output_and_fix_faults_leave_the_original_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, mode: str
) -> None:
    monkeypatch.setenv("CONFDRIFT_NO_CACHE", "1")
    monkeypatch.chdir(tmp_path)
    child, parent = _drifting_pair(tmp_path)
    report = tmp_path / "report.json"
    report.write_bytes(b"previous report\n")
    report.chmod(0o640)
    target = report if mode == "output" else child
    before = target.read_bytes()

    def failing(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        raise _fault(kind)

    monkeypatch.setattr(os, "replace", failing)
    extra = ["--output", str(report), "-f", "json"] if mode == "output" else ["--fix"]
    result = runner.invoke(app, ["check", str(child), "--parent", str(parent), *extra])
    assert result.exit_code == (130 if kind == "interrupt" else 2), result.output
    assert "Traceback" not in result.output
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir() if p.name.endswith(".tmp")) == []


def test_output_keeps_the_mode_and_fix_keeps_every_other_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONFDRIFT_NO_CACHE", "1")
    child, parent = _drifting_pair(tmp_path)
    report = tmp_path / "report.json"
    report.write_text("old\n")
    report.chmod(0o640)
    args = ["check", str(child), "--parent", str(parent)]
    runner.invoke(app, [*args, "--output", str(report), "-f", "json"])
    assert stat.S_IMODE(report.stat().st_mode) == 0o640
    assert b'"PACKAGE_CLASSES"' in report.read_bytes()
    before = child.read_bytes()
    runner.invoke(app, [*args, "--fix"])
    after = child.read_bytes()
    assert after == before.replace(b"package_rpm", b"package_ipk")
