"""The ingest API's body-reading front, without a server: the deadline rules,
the size cap, and what reaches the application (see test_slow_bodies.py for
the live server)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterable
from typing import Any

import pytest

from services.ingest.body_front import BodyFront, BodyLimits, read_body
from services.ingest.wsgi_bridge import Answer


def receiver(chunks: Iterable[bytes | None], gap: float = 0.0) -> Any:
    """An ASGI receive() giving ``chunks`` ``gap`` seconds apart; None is a disconnect."""
    items = list(chunks)

    async def receive() -> dict[str, Any]:
        await asyncio.sleep(gap)
        if not items:
            await asyncio.sleep(3600)
        chunk = items.pop(0)
        if chunk is None:
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": chunk, "more_body": bool(items)}

    return receive


def test_deadline_is_the_sooner_of_total_time_and_rate() -> None:
    limits = BodyLimits(max_bytes=10**6, timeout=10, min_rate=1000, grace=2)
    assert limits.due(100.0, 0) == 102.0
    assert limits.due(100.0, 5000) == 107.0
    assert limits.due(100.0, 50_000) == 110.0
    assert BodyLimits(max_bytes=1, timeout=3, min_rate=0).due(0.0, 0) == 3.0


def test_whole_body_too_large_slow_and_gone() -> None:
    limits = BodyLimits(max_bytes=10, timeout=0.3, min_rate=0)
    assert asyncio.run(read_body(receiver([b"abc", b"defg", b"hij"]), limits)) == b"abcdefghij"
    over = asyncio.run(read_body(receiver([b"abcdef", b"ghijk"]), limits))
    assert isinstance(over, Answer) and over.status == 413
    assert json.loads(over.body)["limit"] == 10
    assert over.header("connection") == "close"
    slow = asyncio.run(read_body(receiver([b"a"] * 5, gap=0.1), limits))
    assert isinstance(slow, Answer) and slow.status == 408
    assert json.loads(slow.body)["timeout"] == 0.3
    assert asyncio.run(read_body(receiver([b"a", None]), limits)) is None


def test_rate_rule_cuts_a_trickle_before_the_total_deadline() -> None:
    limits = BodyLimits(max_bytes=10**6, timeout=30, min_rate=1000, grace=0.2)
    answer, elapsed = asyncio.run(_timed(read_body(receiver([b"a"] * 100, gap=0.05), limits)))
    assert isinstance(answer, Answer) and answer.status == 408 and elapsed < 1.0


async def _timed(coro: Any) -> tuple[Any, float]:
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    result = await coro
    return result, loop.time() - t0


def recording_app(seen: list[dict[str, Any]], status: str) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append({**environ, "body": environ["wsgi.input"].read()})
        start_response(status, [("Content-Type", "text/plain")])
        return [b"ok"]

    return app


def scope(headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "method": "POST",
        "path": "/v1/submissions",
        "query_string": b"source=a",
        "headers": headers,
        "http_version": "1.1",
        "server": ("127.0.0.1", 8001),
        "client": ("127.0.0.1", 5000),
    }


@pytest.mark.parametrize(("status", "calls"), [("100 Continue", 2), ("401 Unauthorized", 1)])
def test_body_reaches_the_app_only_after_its_preflight(status: str, calls: int) -> None:
    seen: list[dict[str, Any]] = []
    front = BodyFront(recording_app(seen, status), BodyLimits(100, 5, 0), threads=1)
    chunked = scope([(b"transfer-encoding", b"chunked"), (b"content-type", b"text/plain")])
    answer = asyncio.run(front.answer(chunked, receiver([b"hello ", b"world"])))
    assert len(seen) == calls
    assert seen[0]["silkfeed.preflight"] and seen[0]["body"] == b""
    assert "CONTENT_LENGTH" not in seen[0] and seen[0]["QUERY_STRING"] == "source=a"
    if calls == 2:
        assert seen[1]["body"] == b"hello world" and seen[1]["CONTENT_LENGTH"] == "11"
        assert seen[1]["silkfeed.admitted"] and "silkfeed.preflight" not in seen[1]
    else:
        assert answer is not None and answer.status == 401
        assert answer.header("connection") == "close"
    front.pool.shutdown()


def test_an_application_that_raises_still_gets_a_problem_document() -> None:
    def broken(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise RuntimeError("boom")

    front = BodyFront(broken, BodyLimits(100, 5, 0), threads=1)
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    get = {**scope([]), "method": "GET", "path": "/x"}
    asyncio.run(front(get, receiver([]), send))
    assert sent[0]["status"] == 500
    assert json.loads(sent[1]["body"])["status"] == 500
    front.pool.shutdown()


def test_a_body_of_its_declared_length_is_whole_without_the_closing_message() -> None:
    # The server frames the body by its Content-Length: once those bytes are in,
    # its empty closing message is not waited for (this receiver never sends it).
    limits = BodyLimits(max_bytes=100, timeout=0.5, min_rate=0)

    def never_closing() -> Any:
        items = [b"hello ", b"world"]

        async def receive() -> dict[str, Any]:
            if not items:
                await asyncio.sleep(3600)
            return {"type": "http.request", "body": items.pop(0), "more_body": True}

        return receive

    assert asyncio.run(read_body(never_closing(), limits, declared=11)) == b"hello world"
    # Short of the declared length the closing message is awaited, under the deadline.
    slow = asyncio.run(read_body(never_closing(), limits, declared=12))
    assert isinstance(slow, Answer) and slow.status == 408


def test_a_cancelled_request_leaves_its_thread_to_finish_quietly() -> None:
    started, release = threading.Event(), threading.Event()

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        started.set()
        release.wait(5)
        start_response("200 OK", [])
        return [b"late"]

    front = BodyFront(app, BodyLimits(100, 5, 0), threads=1)

    async def cancel_midway() -> None:
        task = asyncio.ensure_future(front.answer({**scope([]), "method": "GET"}, receiver([])))
        await asyncio.get_running_loop().run_in_executor(None, started.wait, 5)
        task.cancel()
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0.1)  # the thread's answer arrives for a cancelled future

    asyncio.run(cancel_midway())
    front.pool.shutdown()
