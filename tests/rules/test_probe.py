"""--probe against servers the test starts on 127.0.0.1 (and a port nobody listens on)."""

from __future__ import annotations

import http.server
import socket
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers.rulehelp import run

from confdrift.rules import probe


@pytest.fixture
def tcp_server() -> Iterator[str]:
    class Quiet(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            self.request.recv(16)

    with socketserver.TCPServer(("127.0.0.1", 0), Quiet) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"127.0.0.1:{server.server_address[1]}"
        server.shutdown()


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "sstate-cache").mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(tmp_path), **kwargs)  # type: ignore[arg-type]

        def log_message(self, *args: object) -> None:
            pass

    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_address[1]}/sstate-cache"
        server.shutdown()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_hash_server_answers(tcp_server: str) -> None:
    assert probe.hash_server(tcp_server) is None


def test_hash_server_down_is_reported_quickly() -> None:
    problem = probe.hash_server(f"127.0.0.1:{closed_port()}", timeout=1)
    assert problem is not None and "no answer" in problem


def test_sstate_mirror_answers(http_server: str) -> None:
    assert probe.sstate_mirror(f"{http_server}/PATH;downloadfilename=PATH") is None


def test_sstate_mirror_down() -> None:
    url = f"http://127.0.0.1:{closed_port()}/sstate-cache/PATH"
    assert probe.sstate_mirror(url, timeout=1) is not None


def test_file_mirror(tmp_path: Path) -> None:
    assert probe.sstate_mirror(f"file://{tmp_path}/PATH") is None
    assert probe.sstate_mirror(f"file://{tmp_path}/missing/PATH") is not None


def wired(upstream: str, mirror: str) -> dict[str, str]:
    return {"BB_SIGNATURE_HANDLER": "OEEquivHash", "BB_HASHSERVE": "auto",
            "BB_HASHSERVE_UPSTREAM": upstream, "SSTATE_MIRRORS": f"file://.* {mirror}/PATH"}


def probe_codes(child: dict[str, str], enabled: bool = True) -> list[str]:
    found = run(child, None, SimpleNamespace(probe=enabled))
    return sorted(f.code for f in found if f.code in ("CD317", "CD318"))


def test_rules_quiet_when_everything_answers(tcp_server: str, http_server: str) -> None:
    assert probe_codes(wired(tcp_server, http_server)) == []


def test_rules_report_what_does_not_answer() -> None:
    dead = f"127.0.0.1:{closed_port()}"
    assert probe_codes(wired(dead, f"http://{dead}/sstate")) == ["CD317", "CD318"]


def test_no_probe_without_the_option() -> None:
    dead = f"127.0.0.1:{closed_port()}"
    assert probe_codes(wired(dead, f"http://{dead}/sstate"), enabled=False) == []
