"""Slow subscription requests against the live feed service (granian, as the stack
starts it): hub clients that send a header and then trickle their form hold at
most SILKFEED_WEBSUB_BODY_READERS (2) threads per process, of its 4, so feeds and
/healthz answer promptly beside any number of them; every client beyond those is
answered 503 at once, and an oversized form 413, before its body."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
import requests

from tests.faults.stack import Stack
from tests.support.slow_clients import BodyTricklers

pytestmark = pytest.mark.slow

TRICKLERS = 24
READERS = 2
WATCH = 5.0


class HubTricklers(BodyTricklers):
    """Connections that send a subscription request's header and one byte of its
    form, then one more byte every half second; ``length`` is the declared size."""

    def __init__(self, base: str, n: int, length: int) -> None:
        self.length = length
        super().__init__(base, n)

    def opening(self, i: int) -> bytes:
        return (
            "POST /websub HTTP/1.1\r\nHost: x\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {self.length}\r\n\r\nh"
        ).encode()

    def piece(self, i: int) -> bytes:
        return b"a"


@pytest.fixture
def feed(stack: Stack) -> Iterator[Stack]:
    stack.env["SILKFEED_WEBSUB_BODY_READERS"] = str(READERS)
    stack.start_feed()
    yield stack


def status_and_doc(raw: bytes) -> tuple[int, dict]:
    status_line, _, rest = raw.partition(b"\r\n")
    headers, _, body = rest.partition(b"\r\n\r\n")
    assert b"application/problem+json" in headers.lower(), headers
    return int(status_line.split()[1]), json.loads(body)


def test_slow_hub_clients_leave_feeds_answered(feed: Stack) -> None:
    base = feed.feed_url
    clients = HubTricklers(base, TRICKLERS, 1000)
    try:
        worst = 0.0
        until = time.monotonic() + WATCH
        while time.monotonic() < until:
            for path in ("/healthz", "/feeds/articles.atom"):
                t0 = time.perf_counter()
                assert requests.get(base + path, timeout=5).status_code == 200, path
                worst = max(worst, time.perf_counter() - t0)
            time.sleep(0.2)
        assert worst < 1.0, worst
        # READERS slots in each of the two processes (a process may have taken
        # every connection): those clients are still being read (their 1000 bytes
        # would take minutes); every other one was turned away.
        held = TRICKLERS - len(clients.ended_at)
        assert READERS <= held <= 2 * READERS, held
        assert max(clients.ended_at.values()) < 2.0, clients.ended_at
        for raw in clients.answers.values():
            status, doc = status_and_doc(raw)
            assert status == 503 and doc["type"].endswith("/hub-busy"), doc
            assert b"retry-after: 5" in raw.lower()
        print(
            f"\n/healthz and a feed at worst {worst * 1000:.0f} ms beside {TRICKLERS} slow "
            f"hub clients; {TRICKLERS - held} answered 503 within "
            f"{max(clients.ended_at.values()):.1f} s"
        )
    finally:
        clients.close()


def test_an_oversized_form_is_a_413_before_its_body(feed: Stack) -> None:
    clients = HubTricklers(feed.feed_url, 4, 16_000)
    try:
        end = time.monotonic() + 5
        while len(clients.ended_at) < 4 and time.monotonic() < end:
            time.sleep(0.1)
        assert len(clients.ended_at) == 4
        for raw in clients.answers.values():
            status, doc = status_and_doc(raw)
            assert status == 413 and doc["limit"] == 4096, doc
    finally:
        clients.close()
