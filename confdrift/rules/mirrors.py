"""BitBake's cache-wiring value syntax: hash-server addresses and mirror lists.

Behaviour learned from BitBake's address parser (asyncrpc) and mirror code (fetch2), as
recorded in ``research/sstate-knowledge.md`` §4.3 and §4.5.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Address(NamedTuple):
    """A parsed hash-server address."""

    scheme: str  # "tcp", "unix", "ws", "wss"
    host: str
    port: int | None
    path: str = ""


_BRACKETED = re.compile(r"^\[(?P<host>[^\]]+)\]:(?P<port>[^:]*)$")


def parse_address(value: str) -> Address | str:
    """Parse a ``BB_HASHSERVE``/``BB_HASHSERVE_UPSTREAM`` address; a string is an error message.

    Accepted forms: ``host:port``, ``[ipv6]:port``, ``unix:///path``, ``ws://host[:port][/path]``,
    ``wss://host[:port][/path]``.
    """
    if value != value.strip() or not value:
        return "has leading or trailing whitespace (it becomes part of the host name)" if value \
            else "is empty"
    if value.startswith("unix://"):
        return Address("unix", "", None, value[len("unix://"):]) if len(value) > 7 else \
            "names no socket path after unix://"
    for scheme in ("ws", "wss"):
        if value.startswith(f"{scheme}://"):
            return _parse_ws(scheme, value[len(scheme) + 3:])
    if "://" in value:
        return (f"uses the scheme {value.split('://')[0]}://, which BitBake's hash-server client "
                "does not speak (use host:port, ws://, wss:// or unix://)")
    return _parse_tcp(value)


def _parse_ws(scheme: str, rest: str) -> Address | str:
    hostport, _, path = rest.partition("/")
    host, sep, port = hostport.rpartition(":")
    if not sep:
        host, port = hostport, ""
    if not host:
        return f"names no host after {scheme}://"
    if port and not port.isdigit():
        return f"has a port that is not a number ({port!r})"
    return Address(scheme, host, int(port) if port else None, "/" + path if path else "")


def _parse_tcp(value: str) -> Address | str:
    match = _BRACKETED.match(value)
    if match:
        host, port = match["host"], match["port"]
    else:
        parts = value.split(":")
        if len(parts) != 2:
            return ("is not host:port (BitBake needs exactly one ':' between host and port)"
                    if len(parts) > 2 else "has no port (BitBake needs host:port)")
        host, port = parts
    if not port.isdigit():
        return f"has a port that is not a number ({port!r})"
    if not host:
        return "has no host (':PORT' is a bind address for bitbake-hashserv, not a client address)"
    return Address("tcp", host, int(port))


class MirrorPair(NamedTuple):
    """One ``regex replacement`` pair of a mirror list."""

    pattern: str
    url: str


def mirror_pairs(value: str | None) -> tuple[list[MirrorPair], str | None]:
    """Split a mirror list as BitBake does; the second item is the unpaired word, if any.

    BitBake replaces the two characters ``\\n`` with a space, splits on whitespace and
    pairs the words; an odd count drops the last word (with one warning).
    """
    words = (value or "").replace("\\n", " ").split()
    pairs = [MirrorPair(words[i], words[i + 1]) for i in range(0, len(words) - 1, 2)]
    leftover = words[-1] if len(words) % 2 else None
    return pairs, leftover


def is_network_url(url: str) -> bool:
    return url.split("://", 1)[0].lower() in ("http", "https", "ftp", "ftps", "s3", "gs")


def url_host(url: str) -> str:
    """The host part of a URL (``''`` for ``file://``)."""
    rest = url.split("://", 1)[1] if "://" in url else url
    return rest.split("/", 1)[0].split(";", 1)[0]


def url_prefix(url: str) -> str:
    """A mirror URL without its ``PATH`` placeholder and parameters, for comparisons."""
    base = url.split(";", 1)[0]
    if base.endswith("PATH"):
        base = base[: -len("PATH")]
    return base.rstrip("/")


def url_base(url: str) -> str:
    """A URL without its ``;name=value`` parameters."""
    return url.split(";", 1)[0]


def url_params(url: str) -> dict[str, str]:
    """A URL's ``;name=value`` parameters, as BitBake's ``decodeurl`` reads them."""
    params: dict[str, str] = {}
    for item in url.split(";")[1:]:
        name, sep, value = item.partition("=")
        if sep and name:
            params[name] = value
    return params


def is_http_url(url: str) -> bool:
    return url.split("://", 1)[0].lower() in ("http", "https")


def same_place(url: str, location: str) -> bool:
    """Whether a mirror URL (``PATH`` and parameters ignored) names ``location``, a URL or a
    directory (``file:///srv/x/PATH`` names ``/srv/x``)."""

    def normal(text: str) -> str:
        base = url_prefix(text)
        return (base[len("file://"):] if base.startswith("file://") else base).rstrip("/")

    return bool(location) and normal(url) == normal(location)
