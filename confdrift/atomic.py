"""Write a file so that readers see either the old bytes or the new ones, never half.

The temporary file lives in the target's directory so that ``os.replace`` is a rename
within one file system (atomic on POSIX); on any failure the original is untouched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

from confdrift.errors import InputError


def write_atomic(
    path: str | os.PathLike[str],
    data: bytes | str,
    *,
    keep_mode: bool = True,
    backup: bool = False,
) -> Path | None:
    """Replace ``path`` with ``data``; return the backup's path when ``backup`` made one.

    ``str`` data is written as UTF-8 without newline translation. ``keep_mode`` copies the
    old file's permission bits (otherwise the umask decides); ``backup`` first copies the
    old file to ``<name>.orig``.
    Raises :class:`InputError` (naming the file) when the write fails.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if _special(Path(path)):
            # A device or FIFO (-o /dev/stdout) is written to, never replaced by a file.
            with open(path, "wb") as handle:
                handle.write(payload)
            return None
        # Through a symbolic link to the file it names: replacing the link would leave the
        # real file unchanged and the link gone.
        target = Path(os.path.realpath(path))
        saved = _backup(target) if backup else None
        _replace(target, payload, _mode_of(target) if keep_mode else _default_mode())
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", os.fspath(path)) from exc
    return saved


def _special(target: Path) -> bool:
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _mode_of(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return _default_mode()


def _default_mode() -> int:
    # mkstemp creates 0600; a new file should get what open() would have given it.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _backup(target: Path) -> Path | None:
    if not target.exists():
        return None
    saved = target.with_name(target.name + ".orig")
    shutil.copy2(target, saved)
    return saved


def _replace(target: Path, payload: bytes, mode: int) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        # KeyboardInterrupt included: never leave the temporary file behind.
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(target.parent)


def _fsync_dir(directory: Path) -> None:
    # Make the rename itself durable; not every platform lets a directory be opened.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
