"""Rendered once, served many times: bursts coalesce, a cold feed renders once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from services.feed import publish
from services.feed.app import create_app as create_feed_app
from services.feed.coalesce import RenderCoalescer
from services.ingest.app import create_app as create_ingest_app
from shared.settings import Settings
from tests.conftest import TOKEN
from tests.support.content import ingest, page
from tests.support.processes import ServiceProcess
from tests.support.waiting import wait_for

AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"}


@pytest.fixture
def ingest_client(settings: Settings, workers: dict[str, ServiceProcess]) -> Iterator[FlaskClient]:
    app = create_ingest_app(settings)
    yield app.test_client()
    app.extensions["silkfeed"]["outbox"].stop()


def render_counts(settings: Settings) -> dict[str, int]:
    client = redis.Redis.from_url(settings.redis_url)
    try:
        return RenderCoalescer(client, settings.key_prefix).render_counts()
    finally:
        client.close()


def test_a_burst_of_a_hundred_submissions_causes_a_handful_of_renders(
    ingest_client: FlaskClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As in a running service: a reader subscribes (the worker keeps current only
    # the documents asked for), and the web process drops stale copies when told.
    # The web process renders the document its reader polls ahead of the worker
    # (read_render), and the worker skips what that covered: both count.
    ahead: list[str] = []
    real = publish.render_and_store

    def counted(session, settings_, spec, **kw):  # type: ignore[no-untyped-def]
        changed = real(session, settings_, spec, **kw)
        if spec.name == "articles" and changed:
            ahead.append(spec.name)
        return changed

    monkeypatch.setattr(publish, "render_and_store", counted)
    feed_app = create_feed_app(settings)
    feed = feed_app.test_client()
    assert feed.get("/feeds/articles.json").status_code == 200
    wait_for(lambda: "articles" in render_counts(settings), 30, what="the first refresh")
    before = render_counts(settings)["articles"]
    ahead.clear()  # the first render, made on that request
    bodies = [page(f"Burst{i}", 1) for i in range(100)]

    def post(body: bytes) -> str:
        resp = ingest_client.application.test_client().post(
            "/v1/submissions?source=burst", data=body, headers=AUTH)
        assert resp.status_code == 202
        return str(resp.get_json()["id"])

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(post, bodies))
    posting = time.monotonic() - started

    def all_done() -> bool:
        states = [ingest_client.get(f"/v1/submissions/{sid}", headers=AUTH).get_json()["status"] for sid in ids]
        assert "failed" not in states
        return all(s == "done" for s in states)

    wait_for(all_done, 120, interval=0.2, what="100 submissions")

    def last_visible() -> bool:
        titles = {i["title"] for i in feed.get("/feeds/articles.json").get_json()["items"]}
        return "Burst99 Story Number 0 From Almaty" in titles

    wait_for(last_visible, 60, interval=0.2, what="the last article in the feed")
    feed_app.extensions["silkfeed"]["memory"].stop()
    renders = render_counts(settings)["articles"] - before + len(ahead)
    assert 1 <= renders <= 12, (
        f"{renders} renders of the articles feed for 100 submissions posted in {posting:.1f}s "
        f"({len(ahead)} of them ahead of the worker)")


def test_a_cold_feed_is_rendered_once_under_concurrent_requests(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(settings, page("Cold", 3), render=False)
    app: Flask = create_feed_app(settings, watch_changes=False)
    calls: list[str] = []
    real = publish.render_and_store

    def counting(session, settings_, spec, **kw):  # type: ignore[no-untyped-def]
        calls.append(spec.name)
        return real(session, settings_, spec, **kw)

    monkeypatch.setattr(publish, "render_and_store", counting)
    results: list[tuple[int, str]] = []
    start = threading.Barrier(8)

    def reader() -> None:
        client = app.test_client()
        start.wait()
        resp = client.get("/feeds/tags/kazakhstan.atom")
        results.append((resp.status_code, resp.headers.get("ETag", "")))

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 8 and {status for status, _ in results} == {200}
    assert len({etag for _, etag in results}) == 1
    assert calls == ["tag:kazakhstan"]
