"""write_atomic: the new bytes or the old ones, never half, never a stray temporary file."""

from __future__ import annotations

import errno
import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from confdrift import atomic
from confdrift.atomic import write_atomic
from confdrift.errors import InputError


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_writes_new_file_with_umask_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    write_atomic(target, "ünï\r\n")
    assert target.read_bytes() == "ünï\r\n".encode()
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_replaces_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "local.conf"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_backup_keeps_the_old_bytes(tmp_path: Path) -> None:
    target = tmp_path / "local.conf"
    target.write_bytes(b"old")
    saved = write_atomic(target, b"new", backup=True)
    assert saved == tmp_path / "local.conf.orig"
    assert saved.read_bytes() == b"old"
    assert target.read_bytes() == b"new"


def test_no_backup_of_a_file_that_did_not_exist(tmp_path: Path) -> None:
    assert write_atomic(tmp_path / "new.conf", b"x", backup=True) is None


def fail_with(exc: BaseException) -> Callable[..., None]:
    def fail(*args: object, **kwargs: object) -> None:
        raise exc

    return fail


@pytest.mark.parametrize(
    ("target_name", "exc"),
    [
        ("replace", OSError(errno.ENOSPC, "No space left on device")),
        ("replace", OSError(errno.EACCES, "Permission denied")),
        ("fsync", OSError(errno.ENOSPC, "No space left on device")),
        ("chmod", OSError(errno.EPERM, "Operation not permitted")),
    ],
)
def test_os_failure_leaves_the_original_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target_name: str, exc: OSError
) -> None:
    target = tmp_path / "local.conf"
    target.write_bytes(b"old")
    monkeypatch.setattr(atomic.os, target_name, fail_with(exc))
    with pytest.raises(InputError) as caught:
        write_atomic(target, b"new")
    assert caught.value.filename == str(target)
    assert exc.strerror is not None and exc.strerror in caught.value.message
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_interrupt_leaves_the_original_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "local.conf"
    target.write_bytes(b"old")
    monkeypatch.setattr(atomic.os, "replace", fail_with(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_failing_write_leaves_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "local.conf"
    target.write_bytes(b"old")

    def broken_fdopen(fd: int, mode: str) -> object:
        os.close(fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fdopen", broken_fdopen)
    with pytest.raises(InputError):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_missing_directory_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        write_atomic(tmp_path / "no" / "such" / "file", b"x")


def test_a_symbolic_link_is_followed_not_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_device_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, "report\n")
    reader.join(timeout=10)
    assert received == [b"report\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_full_device_is_a_clear_error() -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    with pytest.raises(InputError, match="/dev/full: cannot write"):
        write_atomic("/dev/full", "x")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
