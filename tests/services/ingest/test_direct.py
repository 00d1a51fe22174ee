"""The submission routes answered by the front itself (services.ingest.direct)
answer exactly as the Flask routes do behind the same front -- status,
headers in order, bytes -- for every check (token, rate limit, media type,
sizes, parameters, URL and header limits, body), acceptance, status reads
and an unreachable database; and an accepted page's outbox kick waits until
its answer is sent."""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from flask import Flask
from prometheus_client import REGISTRY
from sqlalchemy import create_engine

from services.ingest.app import create_app
from services.ingest.body_front import AFTER_RESPONSE, BodyFront, BodyLimits
from services.ingest.direct import DirectRoutes
from services.ingest.ratelimit import RateLimiter
from services.ingest.wsgi_bridge import Answer
from shared.http_limits import RequestLimits
from shared.settings import Settings
from tests.conftest import TOKEN

MAX_BODY = 64 * 1024
PAGE = b"A Title Of A Page\n\nSome text of a page, long enough to be one.\n"


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    # A bucket of its own (three requests a minute) for each test.
    update = {"max_body_bytes": MAX_BODY, "ingest_rate_limit": 3, "namespace": uuid.uuid4().hex[:8]}
    yield create_app(settings.model_copy(update=update), start_relay=False, access_log=False)


def fronts(app: Flask) -> tuple[BodyFront, BodyFront]:
    """The front with Flask answering everything, and the one with the direct path."""
    settings: Settings = app.extensions["silkfeed"]["settings"]
    limits = BodyLimits(MAX_BODY, 5, 0)
    direct = DirectRoutes(
        app, RequestLimits(app, settings.http_max_url_bytes, settings.http_max_header_bytes)
    )
    return BodyFront(app, limits, threads=1), BodyFront(app, limits, threads=1, direct=direct)


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


def run(front: BodyFront, sc: dict[str, Any], body: bytes = b"") -> tuple[Answer, list[Any]]:
    chunks = [body[: len(body) // 2], body[len(body) // 2 :]] if body else []

    async def receive() -> dict[str, Any]:
        if not chunks:
            await asyncio.sleep(3600)
        return {"type": "http.request", "body": chunks.pop(0), "more_body": bool(chunks)}

    after: list[Any] = []
    answer = asyncio.run(front.answer(sc, receive, after))
    assert answer is not None
    return answer, after


def normal(answer: Answer) -> tuple[int, list[tuple[str, str]], bytes]:
    """The answer with its submission ids and times made alike."""

    def same(text: str) -> str:
        text = re.sub(r"[0-9a-f]{32}", "ID", text)
        return re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+\+00:00", "TIME", text)

    headers = [(k, same(v)) for k, v in answer.headers]
    return answer.status, headers, same(answer.body.decode()).encode()


def both(app: Flask, sc: dict[str, Any], body: bytes = b"") -> tuple[Answer, Answer]:
    """The Flask routes' answer, then the direct path's, to the same request (the
    sample page made another of its size, so that both store a page)."""
    plain, direct = fronts(app)
    try:
        return run(plain, sc, body)[0], run(direct, sc, body.replace(b"Some", b"Sone"))[0]
    finally:
        plain.pool.shutdown()
        direct.pool.shutdown()


AUTH = {"Authorization": f"Bearer {TOKEN}"}
GOOD = {**AUTH, "Content-Type": "text/plain"}
PAGE_1251 = "Some news: Тенге укрепился\n\nКурс тенге вырос на 0,5% за неделю.\n".encode("cp1251")


def sized(headers: dict[str, str], body: bytes) -> dict[str, str]:
    return {**headers, "Content-Length": str(len(body))}


@pytest.mark.parametrize(
    ("headers", "query", "body", "status"),
    [
        (GOOD, "source=ok&url=https://example.org/a", PAGE, 202),
        ({**GOOD, "Content-Type": "Text/Plain; charset=utf-8"}, "source=", PAGE, 202),
        ({**GOOD, "Transfer-Encoding": "chunked"}, "", PAGE, 202),
        ({**GOOD, "Authorization": ""}, "", PAGE, 401),
        ({**GOOD, "Authorization": "Bearer not-a-token-at-all-000"}, "", PAGE, 401),
        ({**GOOD, "Content-Type": "image/png"}, "", PAGE, 415),
        ({**GOOD, "Content-Encoding": "gzip"}, "", gzip.compress(PAGE, mtime=0), 415),
        ({**GOOD, "Content-Encoding": "Identity"}, "", PAGE, 202),
        ({**AUTH}, "", PAGE, 415),
        ({**GOOD, "Content-Length": str(MAX_BODY + 1), "Transfer-Encoding": "x"}, "", PAGE, 413),
        (GOOD, "sauce=x", PAGE, 400),
        (GOOD, "source=b%C3%A4d", PAGE, 400),
        (GOOD, "url=ftp://x", PAGE, 400),
        (GOOD, "url=" + "a" * 9000, PAGE, 414),
        ({**GOOD, "X-Big": "b" * 20000}, "", PAGE, 431),
        (GOOD, "", b"", 400),
        (GOOD, "", b" \n ", 400),
        (GOOD, "", b"bad \xff bytes", 400),
        ({**GOOD, "Content-Type": "text/plain; charset=windows-1251"}, "", PAGE_1251, 202),
        ({**GOOD, "Content-Type": "text/plain; charset=x-bogus"}, "", PAGE, 415),
        ({**GOOD, "Content-Type": "text/plain; charset=windows-1251"}, "", b"bad \x98", 400),
        ({**AUTH, "Content-Type": "application/json"}, "", b'{"articles": 5}', 422),
    ],
)
def test_same_answer_as_the_flask_route(
    app: Flask, headers: dict[str, str], query: str, body: bytes, status: int
) -> None:
    if "Content-Length" not in headers and "Transfer-Encoding" not in headers:
        headers = sized(headers, body)
    flask_answer, answer = both(app, scope(headers, query), body)
    assert normal(answer) == normal(flask_answer)
    assert answer.status == status, answer.body


def test_a_page_posted_again_and_its_status_alike(app: Flask) -> None:
    plain, direct = fronts(app)
    first, _ = run(plain, scope(sized(GOOD, PAGE)), PAGE)
    again = [run(front, scope(sized(GOOD, PAGE)), PAGE)[0] for front in (plain, direct)]
    assert again[0].status == 200 and normal(again[0]) == normal(again[1])
    sid = json.loads(first.body)["id"]
    for sc in [
        scope(AUTH, method="GET", path=f"/v1/submissions/{sid}"),
        scope({**AUTH, "Content-Length": "3"}, method="GET", path=f"/v1/submissions/{sid}"),
        scope(AUTH, method="GET", path="/v1/submissions/" + "0" * 32),
        scope(AUTH, method="GET", path="/v1/submissions/" + "z" * 40),
        scope(AUTH, method="GET", path="/v1/submissions/a'b\"c\u00e9"),
        scope({}, method="GET", path=f"/v1/submissions/{sid}"),
        scope({**AUTH, "X-Big": "b" * 20000}, method="GET", path=f"/v1/submissions/{sid}"),
    ]:
        flask_answer, answer = run(plain, sc, b"abc")[0], run(direct, sc, b"abc")[0]
        assert answer.status == flask_answer.status
        assert answer.headers == flask_answer.headers and answer.body == flask_answer.body
    plain.pool.shutdown()
    direct.pool.shutdown()


def test_rate_limit_is_charged_and_refused_alike(app: Flask) -> None:
    state = app.extensions["silkfeed"]
    # Patient with Redis: on a loaded machine a 0.25 s timeout lets requests through.
    client = redis.Redis.from_url(state["settings"].redis_url, socket_timeout=5)
    state["limiter"] = RateLimiter(client, state["settings"].key_prefix, 3)
    plain, direct = fronts(app)
    # Three a minute, each refused request charged too.
    statuses = []
    for front, body in ((plain, PAGE), (direct, PAGE + b"2"), (plain, b""), (direct, b"")):
        statuses.append(run(front, scope(sized(GOOD, body)), body)[0].status)
    assert statuses == [202, 202, 400, 429]
    refused = run(plain, scope(sized(GOOD, PAGE)), PAGE)[0]
    again = run(direct, scope(sized(GOOD, PAGE)), PAGE)[0]
    assert again.status == refused.status == 429 and again.header("retry-after")
    assert again.header("connection") == "close"
    assert json.loads(again.body) == json.loads(refused.body)
    plain.pool.shutdown()
    direct.pool.shutdown()


def test_an_unreachable_database_is_a_503_alike(app: Flask) -> None:
    state = app.extensions["silkfeed"]
    state["engine"] = create_engine("postgresql+psycopg://nobody@127.0.0.1:9/none")
    flask_answer, answer = both(app, scope(sized(GOOD, PAGE)), PAGE)
    assert answer.status == 503 and answer.header("retry-after")
    assert normal(answer) == normal(flask_answer)
    get = scope(AUTH, method="GET", path="/v1/submissions/" + "0" * 32)
    flask_answer, answer = both(app, get)
    assert answer.status == 503 and normal(answer) == normal(flask_answer)


def _responses(status: int) -> float:
    labels = {"service": "ingest-api", "status": str(status)}
    return REGISTRY.get_sample_value("silkfeed_http_responses_total", labels) or 0.0


def test_answers_are_counted_once(app: Flask) -> None:
    _, direct = fronts(app)
    before = _responses(202), _responses(401)
    run(direct, scope(sized(GOOD, PAGE)), PAGE)
    run(direct, scope(sized({"Content-Type": "text/plain"}, PAGE)), PAGE)
    assert (_responses(202), _responses(401)) == (before[0] + 1, before[1] + 1)
    direct.pool.shutdown()


def test_a_body_agreed_to_read_is_counted_as_100_on_either_path(app: Flask) -> None:
    for front in fronts(app):
        before = _responses(100)
        run(front, scope(sized(GOOD, PAGE)), PAGE)
        run(front, scope(sized({"Content-Type": "text/plain"}, PAGE)), PAGE)  # 401: body unread
        assert _responses(100) == before + 1
        front.pool.shutdown()


def test_other_requests_go_to_the_application(app: Flask) -> None:
    direct = fronts(app)[1].direct
    assert direct is not None
    for method, path in [
        ("HEAD", "/v1/submissions/abc"),
        ("GET", "/v1/submissions"),
        ("GET", "/v1/submissions/"),
        ("GET", "/v1/submissions/abc/"),
        ("PUT", "/v1/submissions"),
        ("POST", "/v1/submissions/"),
        ("GET", "/v1/schema"),
    ]:
        assert not direct.serves(scope({}, method=method, path=path))
    flask_answer, answer = both(app, scope(GOOD, path="/v1/nothing"))
    assert answer.status == flask_answer.status == 404
    assert answer.body == flask_answer.body


def test_a_whole_post_through_the_front(app: Flask) -> None:
    """Checks, the body read by the front, then the page: 202, the kick after the answer."""
    events: list[str] = []
    outbox = app.extensions["silkfeed"]["outbox"]
    outbox.kick = lambda sid: events.append(f"kick {sid}")  # type: ignore[method-assign]
    front = fronts(app)[1]
    sc = scope(sized(GOOD, PAGE), "source=front")

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": PAGE, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        events.append(message["type"])

    asyncio.run(front(sc, receive, send))
    assert events[:2] == ["http.response.start", "http.response.body"]
    assert len(events) == 3 and events[2].startswith("kick ")
    # The same page again: stored and not yet sent, so it is kicked again.
    asyncio.run(front(sc, receive, send))
    assert len(events) == 6 and events[5] == events[2]
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
