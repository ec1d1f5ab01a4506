"""--probe, sstate mirror: which HTTP answers mean "the mirror is there", against servers the
test starts on 127.0.0.1."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers.rulehelp import run

from confdrift.rules import probe


class Status(http.server.BaseHTTPRequestHandler):
    """Answers ``/<code>/...`` with that status (a redirect points at a dead port)."""

    def do_HEAD(self) -> None:
        code = int(self.path.strip("/").split("/")[0])
        self.send_response(code)
        if 300 <= code < 400:
            self.send_header("Location", "http://127.0.0.1:9/nowhere/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def status_server() -> Iterator[str]:
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Status) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{server.server_address[1]}"
        server.shutdown()


@pytest.fixture
def sstate_server(tmp_path: Path) -> Iterator[str]:
    """A plain file server whose root holds a ``sstate-cache`` directory."""
    (tmp_path / "sstate-cache" / "universal").mkdir(parents=True)

    class Files(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(tmp_path), **kwargs)  # type: ignore[arg-type]

        def log_message(self, *args: object) -> None:
            pass

    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Files) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{server.server_address[1]}"
        server.shutdown()


@pytest.mark.parametrize(("code", "answer"), [
    (200, None), (204, None), (301, None), (302, None), (307, None), (401, None), (403, None),
    (405, None),
    (404, "answered HTTP 404 (Not Found): the server is there but has no such directory"),
    (410, "answered HTTP 410 (Gone): the server is there but has no such directory"),
    (500, "answered HTTP 500 (server error)"), (503, "answered HTTP 503 (server error)"),
])
def test_status_table(status_server: str, code: int, answer: str | None) -> None:
    problem = probe.sstate_mirror(f"{status_server}/{code}/sstate/PATH;downloadfilename=PATH",
                                  timeout=2)
    if answer is None:
        assert problem is None
    else:
        assert problem is not None and answer in problem
        assert f"{status_server}/{code}/sstate/" in problem


def test_missing_directory_asks_whether_the_url_is_wrong(status_server: str) -> None:
    problem = probe.sstate_mirror(f"{status_server}/404/sstate/PATH", timeout=2)
    assert problem is not None and "is the URL wrong?" in problem


@pytest.mark.parametrize(("path", "ok"), [
    ("sstate-cache", True), ("sstate-cache/universal", True), ("sstate", False),
    ("sstate-cache/missing", False),
])
def test_real_file_server(sstate_server: str, path: str, ok: bool) -> None:
    problem = probe.sstate_mirror(f"{sstate_server}/{path}/PATH;downloadfilename=PATH",
                                  timeout=2)
    assert (problem is None) is ok, problem


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/sstate"


def test_silent_server_times_out_quickly(silent_server: str) -> None:
    start = time.monotonic()
    problem = probe.sstate_mirror(f"{silent_server}/PATH", timeout=0.5)
    assert problem is not None and "no answer" in problem
    assert time.monotonic() - start < 3


@pytest.fixture
def not_http_server() -> Iterator[str]:
    """Answers every connection with a line that is not HTTP."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)

    def serve() -> None:
        try:
            while True:
                conn, _ = listener.accept()
                with conn:
                    conn.recv(1024)
                    conn.sendall(b"hello, this is not http\r\n")
        except OSError:
            return

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/sstate"
    listener.close()


def test_not_an_http_server(not_http_server: str) -> None:
    problem = probe.sstate_mirror(f"{not_http_server}/PATH", timeout=2)
    assert problem is not None and not_http_server in problem


def test_rule_reports_a_mirror_path_that_does_not_exist(sstate_server: str) -> None:
    def cd318(mirror: str) -> list[str]:
        child = {"SSTATE_MIRRORS": f"file://.* {sstate_server}/{mirror}/PATH"}
        found = run(child, None, SimpleNamespace(probe=True))
        return [f.message for f in found if f.code == "CD318"]

    assert cd318("sstate-cache") == []
    (message,) = cd318("sstate")
    assert message.startswith("SSTATE_MIRRORS: ") and "HTTP 404" in message
