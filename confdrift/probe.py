"""``--probe``: is what the child is wired to really there?

Off by default and never run by the pre-commit hook: it is the only part of confdrift that
touches the network. Each probe has a short timeout and returns a plain sentence on failure
(``None`` when the service answered).
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from pathlib import Path

from confdrift.mirrors import Address, parse_address, url_prefix

TIMEOUT = 3.0


def hash_server(value: str, timeout: float = TIMEOUT) -> str | None:
    """Whether a hash server answers a connection at ``value`` (a BB_HASHSERVE address)."""
    address = parse_address(value)
    if not isinstance(address, Address):
        return f"{value!r} {address}"
    try:
        _connect(address, timeout)
    except OSError as exc:
        return f"no answer from {value!r}: {exc.strerror or exc}"
    return None


def _connect(address: Address, timeout: float) -> None:
    if address.scheme == "unix":
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(address.path)
        return
    port = address.port or (443 if address.scheme == "wss" else 80)
    host = address.host.strip("[]")
    with socket.create_connection((host, port), timeout=timeout):
        pass


def sstate_mirror(url: str, timeout: float = TIMEOUT) -> str | None:
    """Whether an sstate mirror URL (``…/PATH``) answers for its object directory."""
    base = url_prefix(url)
    if base.startswith("file://"):
        directory = Path(base[len("file://"):])
        return None if directory.is_dir() else f"{directory} is not a directory"
    if not base.startswith(("http://", "https://")):
        return None  # other fetchers (s3://, gs://…) need credentials confdrift does not have
    return _http(base + "/", timeout)


def _http(url: str, timeout: float) -> str | None:
    request = urllib.request.Request(url, method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=timeout):
            return None
    except urllib.error.HTTPError as exc:
        # Any HTTP answer below 500 means a server is there; a directory listing may be off.
        return None if exc.code < 500 else f"{url} answered HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"no answer from {url}: {reason}"
