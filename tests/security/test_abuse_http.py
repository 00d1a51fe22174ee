"""Slow and oversized requests against the live HTTP services (granian, as
`make run` starts them): clients holding partial headers cost neither service
its health endpoint and are dropped after the header timeout; an oversized URL
or header block is a problem document."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
import requests

from tests.faults.stack import Stack
from tests.support.slow_clients import Drippers

pytestmark = pytest.mark.slow

SLOW_CLIENTS = 32
HEADER_TIMEOUT = 3


class SlowClients(Drippers):
    """Connections that send a request header one byte at a time and never finish it."""

    def opening(self, i: int) -> bytes:
        return b"POST /v1/submissions HTTP/1.1\r\nHost: x\r\nX-Slow: "

    def step(self, i: int, s: socket.socket) -> None:
        try:
            s.send(b"a")
            if s.recv(4096, socket.MSG_PEEK) == b"":
                self.end(i)
        except BlockingIOError:
            pass
        except OSError:
            self.end(i)


@pytest.fixture
def live(stack: Stack) -> Iterator[Stack]:
    stack.env["SILKFEED_HTTP_HEADER_TIMEOUT"] = str(HEADER_TIMEOUT)
    stack.start_api()
    stack.start_feed()
    yield stack


@pytest.mark.parametrize("service", ["ingest", "feed"])
def test_slow_clients_cost_nothing_and_are_dropped(live: Stack, service: str) -> None:
    base = live.ingest_url if service == "ingest" else live.feed_url
    clients = SlowClients(base, SLOW_CLIENTS)
    try:
        worst = 0.0
        deadline = time.monotonic() + HEADER_TIMEOUT + 2
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            assert requests.get(f"{base}/healthz", timeout=5).status_code == 200
            worst = max(worst, time.perf_counter() - t0)
            time.sleep(0.2)
        assert worst < 1.0, worst
        # Every partial header is dropped once the header timeout has passed.
        end = time.monotonic() + 20
        while len(clients.ended_at) < SLOW_CLIENTS and time.monotonic() < end:
            time.sleep(0.2)
        assert len(clients.ended_at) == SLOW_CLIENTS, len(clients.ended_at)
        last = max(clients.ended_at.values())
        assert HEADER_TIMEOUT - 0.5 <= last < HEADER_TIMEOUT + 10, last
        print(
            f"\n{service}: /healthz at worst {worst * 1000:.0f} ms beside {SLOW_CLIENTS} slow "
            f"clients; all dropped by {last:.1f} s"
        )
    finally:
        clients.close()


@pytest.mark.parametrize("service", ["ingest", "feed"])
def test_oversized_urls_and_headers_are_problem_documents(live: Stack, service: str) -> None:
    base = live.ingest_url if service == "ingest" else live.feed_url
    resp = requests.get(f"{base}/healthz?{'a' * 9000}", timeout=10)
    assert resp.status_code == 414
    assert resp.headers["Content-Type"] == "application/problem+json"
    assert resp.json()["status"] == 414
    resp = requests.get(f"{base}/healthz", headers={"X-Big": "b" * 20_000}, timeout=10)
    assert resp.status_code == 431
    assert resp.json()["limit"] == 16 * 1024
    # Past the server's own buffer the server refuses it before the application.
    resp = requests.get(f"{base}/healthz", headers={"X-Big": "b" * 100_000}, timeout=10)
    assert resp.status_code == 431
