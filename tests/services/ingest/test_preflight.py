"""The POST preflight without Flask (services.ingest.routes.SubmissionPreflight)
answers exactly as the Flask route's own preflight does -- token, rate limit,
media type, declared size, parameters, URL and header limits -- and the
accepted page's outbox kick waits until its answer is sent."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from flask import Flask

from services.ingest.app import create_app
from services.ingest.body_front import (
    AFTER_RESPONSE,
    PREFLIGHT,
    BodyFront,
    BodyLimits,
)
from services.ingest.ratelimit import RateLimiter
from services.ingest.routes import SubmissionPreflight
from services.ingest.wsgi_bridge import Answer, build_environ, call_wsgi, header_value
from shared.http_limits import RequestLimits
from shared.settings import Settings
from tests.conftest import TOKEN

MAX_BODY = 64 * 1024


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    # A bucket of its own (three requests a minute) for each test.
    update = {"max_body_bytes": MAX_BODY, "ingest_rate_limit": 3, "namespace": uuid.uuid4().hex[:8]}
    yield create_app(
        settings.model_copy(update=update),
        start_relay=False,
        access_log=False,
    )


def preflight_of(app: Flask) -> RequestLimits:
    settings: Settings = app.extensions["silkfeed"]["settings"]
    return RequestLimits(
        SubmissionPreflight(app), settings.http_max_url_bytes, settings.http_max_header_bytes
    )


def scope(
    headers: dict[str, str], query: str = "", method: str = "POST", path: str = "/v1/submissions"
) -> dict[str, Any]:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": query.encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "http_version": "1.1",
        "server": ("127.0.0.1", 8001),
        "client": ("127.0.0.1", 5000),
    }


def both(app: Flask, sc: dict[str, Any]) -> tuple[Answer, Answer]:
    """The Flask route's preflight answer, then the Flask-free one, to the same request."""
    answers = []
    for wsgi in (app, preflight_of(app)):
        environ = build_environ(sc, b"", header_value(sc, b"content-length"))
        environ[PREFLIGHT] = True
        answers.append(call_wsgi(wsgi, environ))
    return answers[0], answers[1]


GOOD = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain", "Content-Length": "10"}


@pytest.mark.parametrize(
    ("headers", "query", "status"),
    [
        (GOOD, "source=ok&url=https://example.org/a", 100),
        ({**GOOD, "Authorization": ""}, "", 401),
        ({**GOOD, "Authorization": "Bearer not-a-token-at-all-000"}, "", 401),
        ({**GOOD, "Content-Type": "image/png"}, "", 415),
        ({**GOOD, "Content-Length": str(MAX_BODY + 1)}, "", 413),
        (GOOD, "sauce=x", 400),
        (GOOD, "source=b%C3%A4d", 400),
        (GOOD, "url=ftp://x", 400),
        (GOOD, "url=" + "a" * 9000, 414),
        ({**GOOD, "X-Big": "b" * 20000}, "", 431),
    ],
)
def test_same_answer_as_the_flask_route(
    app: Flask, headers: dict[str, str], query: str, status: int
) -> None:
    flask_answer, answer = both(app, scope(headers, query))
    assert flask_answer.status == answer.status == status
    assert answer.body == flask_answer.body
    if status != 100:  # a 100 is never sent: the front reads the body on it
        assert sorted(answer.headers) == sorted(flask_answer.headers)


def test_rate_limit_is_charged_and_refused_alike(app: Flask) -> None:
    state = app.extensions["silkfeed"]
    # Patient with Redis: on a loaded machine a 0.25 s timeout lets requests through.
    client = redis.Redis.from_url(state["settings"].redis_url, socket_timeout=5)
    state["limiter"] = RateLimiter(client, state["settings"].key_prefix, 3)
    # Three a minute: two preflights of each kind take all three and one more.
    first, second = both(app, scope(GOOD))
    assert first.status == second.status == 100
    third, fourth = both(app, scope(GOOD))
    assert third.status == 100
    assert fourth.status == 429 and fourth.header("retry-after")
    again = call_wsgi(preflight_of(app), {**build_environ(scope(GOOD), b"", "10"), PREFLIGHT: 1})
    assert again.status == 429 and again.body.startswith(b'{"type": "https://')


def test_other_requests_go_to_the_application(app: Flask) -> None:
    flask_answer, answer = both(app, scope(GOOD, path="/v1/nothing"))
    assert answer.status == flask_answer.status == 404
    assert answer.body == flask_answer.body


def test_a_whole_post_through_the_front(app: Flask) -> None:
    """Preflight without Flask, then the route with the body: 202, the kick after the answer."""
    events: list[str] = []
    outbox = app.extensions["silkfeed"]["outbox"]
    outbox.kick = lambda sid: events.append(f"kick {sid}")  # type: ignore[method-assign]
    front = BodyFront(app, BodyLimits(MAX_BODY, 5, 0), threads=1, preflight=preflight_of(app))
    body = b"A Title\n\nSome text of a page.\n"
    sc = scope({**GOOD, "Content-Length": str(len(body))}, "source=front")

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        events.append(message["type"])

    asyncio.run(front(sc, receive, send))
    assert events[:2] == ["http.response.start", "http.response.body"]
    assert len(events) == 3 and events[2].startswith("kick ")
    front.pool.shutdown()


def test_after_response_actions_run_even_when_the_client_is_gone() -> None:
    ran: list[str] = []

    def wsgi(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        environ[AFTER_RESPONSE].append(lambda: ran.append("after"))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    front = BodyFront(wsgi, BodyLimits(100, 5, 0), threads=1)

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        raise OSError("the client went away")

    with pytest.raises(OSError):
        asyncio.run(front(scope({}, method="GET", path="/x"), receive, send))
    assert ran == ["after"]
    front.pool.shutdown()
