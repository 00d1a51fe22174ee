"""Slow request bodies against the live ingest API (granian, started from the
Procfile as the stack starts it): 32 clients with a valid token that send
their headers and then trickle the body cost no thread -- /healthz answers
within 1 s meanwhile -- and each gets a 408 problem document (or its
connection closed) within the configured body deadline."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
import requests

from tests.conftest import TOKEN
from tests.faults.stack import Stack
from tests.support.slow_clients import BodyTricklers

pytestmark = pytest.mark.slow

TRICKLERS = 32
BODY_TIMEOUT = 4
# Seconds of slack on top of a deadline, for a loaded two-core machine.
SLACK = 3.0


def head(chunked: bool) -> bytes:
    framing = "Transfer-Encoding: chunked" if chunked else "Content-Length: 100000"
    return (
        f"POST /v1/submissions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
        f"Content-Type: text/plain\r\n{framing}\r\n\r\n"
    ).encode()


class Tricklers(BodyTricklers):
    """Connections that send a whole header, then one body byte every half second."""

    def opening(self, i: int) -> bytes:
        chunked = i % 2 == 1
        return head(chunked) + (b"7\r\nTitle\n\n\r\n" if chunked else b"Title\n\n")

    def piece(self, i: int) -> bytes:
        return b"1\r\na\r\n" if i % 2 == 1 else b"a"


@pytest.fixture
def tricklers_api(stack: Stack, request: pytest.FixtureRequest) -> Iterator[Stack]:
    stack.env["SILKFEED_HTTP_BODY_TIMEOUT"] = str(BODY_TIMEOUT)
    stack.env["SILKFEED_HTTP_BODY_MIN_RATE"] = str(request.param)
    stack.start_api()
    yield stack


def check_answer(raw: bytes) -> None:
    """A trickler's answer: nothing (closed), or a 408 problem document."""
    if not raw:
        return
    status_line, _, rest = raw.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 408"), raw[:200]
    headers, _, body = rest.partition(b"\r\n\r\n")
    assert b"application/problem+json" in headers.lower(), headers
    doc = json.loads(body)
    assert doc["status"] == 408 and doc["timeout"] == BODY_TIMEOUT, doc


# min_rate 4096: 2 bytes a second fail the rate after the 2 s grace;
# min_rate 0: only the total deadline (BODY_TIMEOUT) ends them.
@pytest.mark.parametrize(
    ("tricklers_api", "deadline"), [(4096, 2.0), (0, BODY_TIMEOUT)], indirect=["tricklers_api"]
)
def test_trickled_bodies_cost_no_thread_and_get_408(tricklers_api: Stack, deadline: float) -> None:
    base = tricklers_api.ingest_url
    clients = Tricklers(base, TRICKLERS)
    try:
        worst = 0.0
        while len(clients.ended_at) < TRICKLERS and time.monotonic() < clients.started + 30:
            t0 = time.perf_counter()
            assert requests.get(f"{base}/healthz", timeout=5).status_code == 200
            worst = max(worst, time.perf_counter() - t0)
            time.sleep(0.2)
        assert worst < 1.0, worst
        assert len(clients.ended_at) == TRICKLERS, len(clients.ended_at)
        first, last = min(clients.ended_at.values()), max(clients.ended_at.values())
        assert deadline - 0.5 <= first and last < deadline + SLACK, (first, last)
        for raw in clients.answers.values():
            check_answer(raw)
        assert sum(1 for raw in clients.answers.values() if raw) >= TRICKLERS // 2
        print(
            f"\n/healthz at worst {worst * 1000:.0f} ms beside {TRICKLERS} trickled bodies; "
            f"ended between {first:.1f} and {last:.1f} s (deadline {deadline:g} s)"
        )
    finally:
        clients.close()
