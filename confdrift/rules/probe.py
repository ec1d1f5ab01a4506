"""``--probe``: is what the child is wired to really there?

Off by default and never run by the pre-commit hook: it is the only part of confdrift that
touches the network. Each probe has a short timeout and returns a plain sentence on failure
(``None`` when the service answered).
"""

from __future__ import annotations

import http.client
import socket
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from confdrift.rules.mirrors import Address, parse_address, url_prefix

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
    """Whether an sstate mirror URL (``…/PATH``) answers for its object directory.

    The request is a ``HEAD`` of the directory ``PATH`` is replaced under: the one path
    every mirror of the parent's ``SSTATE_DIR`` has (object names depend on hashes, and
    which ``ab/`` or ``universal/`` subdirectories exist depends on what was built).
    """
    base = url_prefix(url)
    if base.startswith("file://"):
        directory = Path(base[len("file://"):])
        return None if directory.is_dir() else f"{directory} is not a directory"
    if not base.startswith(("http://", "https://")):
        return None  # other fetchers (s3://, gs://…) need credentials confdrift does not have
    return _http(base + "/", timeout)


#: Answers meaning "a server is there, but not this directory": every object under it misses.
_MISSING = {404: "Not Found", 410: "Gone"}


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Report a redirect as the answer instead of following it to another server."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _http(url: str, timeout: float) -> str | None:
    request = urllib.request.Request(url, method="HEAD")
    opener = urllib.request.build_opener(_KeepRedirects)
    try:
        with opener.open(request, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"no answer from {url}: {reason}"
    except http.client.HTTPException as exc:
        return f"{url} did not answer as an HTTP server ({type(exc).__name__})"
    return _judge(url, status)


def _judge(url: str, status: int) -> str | None:
    """``None`` for answers that mean the mirror is there (200, a redirect, 401/403 from a
    server without directory listings); a sentence for a missing directory or a server error."""
    if status in _MISSING:
        return (f"{url} answered HTTP {status} ({_MISSING[status]}): the server is there but "
                "has no such directory, so every object would be missed — is the URL wrong?")
    if status >= 500:
        return f"{url} answered HTTP {status} (server error)"
    return None
