"""The hub's HTTP client: redirects are answers, not followed; answers are read only so far;
a callback that keeps the hub waiting is cut off at the deadline."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from services.feed.websub.callbacks import resolve
from services.feed.websub.client import CallbackError, request


class Handler(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def log_message(self, *_: object) -> None:
        pass

    def do_GET(self) -> None:
        Handler.hits.append(self.path)
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/big":
            self.send_response(200)
            self.send_header("Content-Length", str(10_000_000))
            self.end_headers()
            self.wfile.write(b"x" * 10_000_000)
        elif self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)


@pytest.fixture
def server() -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    srv.server_close()


def test_redirect_is_not_followed(server: str) -> None:
    Handler.hits.clear()
    answer = request(resolve(f"{server}/redirect", allow_private=True), "GET", timeout=5)
    assert answer.status == 302 and not answer.ok
    assert Handler.hits == ["/redirect"]


def test_answer_is_read_only_so_far(server: str) -> None:
    answer = request(resolve(f"{server}/big", allow_private=True), "GET", timeout=10,
                     max_body=1024)
    assert answer.ok and len(answer.body) == 1024


def test_slow_answer_is_cut_off_at_the_deadline(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(CallbackError):
        request(resolve(f"{server}/drip", allow_private=True), "GET", timeout=1.0)
    assert time.monotonic() - started < 3
