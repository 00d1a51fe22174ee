"""A web process renders a feed it serves as soon as a stale note says it changed,
ahead of the feed worker: the same bytes and validators the worker stores, one
renderer of a feed at a time, a feed's lock held elsewhere never holding a reader
up, and the worker skipping what such a render covered."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from services.feed import awaited, publish
from services.feed import read_render as read_render_module
from services.feed.coalesce import RenderCoalescer
from services.feed.coalesce_scripts import RENDERER_MARK, feed_lock_key
from services.feed.documents import FeedDocuments
from services.feed.memory import FeedMemory
from services.feed.read_render import ReadRender
from services.feed.serving import StoredFeed
from services.feed.stale_notes import StaleNotes
from shared.db import utcnow
from shared.feed_names import FeedSpec
from shared.models import RenderedFeed
from shared.settings import Settings
from tests.conftest import shared_workers_redis
from tests.support.content import ingest, page
from tests.support.waiting import wait_for, wait_pipeline_idle

ARTICLES = FeedSpec.articles()


def memory_of(app: Flask) -> FeedMemory:
    return app.extensions["silkfeed"]["memory"]  # type: ignore[no-any-return]


def documents_of(app: Flask) -> FeedDocuments:
    return app.extensions["silkfeed"]["documents"]  # type: ignore[no-any-return]


def read_render_of(app: Flask) -> ReadRender:
    return app.extensions["silkfeed"]["documents"].read_render  # type: ignore[no-any-return]


def polled(settings: Settings, http: FlaskClient) -> str:
    """Articles stored and the JSON Feed document polled from memory: its ETag."""
    ingest(settings, page("First", 2), render=False)
    first = http.get("/feeds/articles.json")  # the first render, stored and held
    assert first.status_code == 200
    assert http.get("/feeds/articles.json").status_code == 200  # from memory: polled
    settled(http.application, settings)
    return first.headers["ETag"]


def settled(app: Flask, settings: Settings) -> None:
    """The first render's refresh request sent and, when the shared workers run on
    this database (an earlier test of this process started them), taken up and
    done: their round would hold the feed's lock, or render the change itself,
    while the render under test runs."""
    first_renders = app.extensions["silkfeed"]["documents"].first_renders
    wait_for(lambda: not first_renders.waiting(), timeout=10, what="the refresh request")
    redis_url = shared_workers_redis(settings.database_url)
    if redis_url is not None:
        wait_pipeline_idle(redis_url, settings.key_prefix)


def test_a_stale_note_renders_the_polled_document_before_the_next_poll(
    feed_app: Flask, small_settings: Settings, session: Session
) -> None:
    http = feed_app.test_client()
    etag = polled(small_settings, http)
    ingest(small_settings, page("Second", 1), render=False)
    at = utcnow()
    memory = memory_of(feed_app)
    told: list[list[StoredFeed]] = []
    memory.on_stale = lambda held, reply: told.append(held)  # kept from the thread
    held = memory.note_stale(["articles", "tag:nowhere"], at)
    assert [feed.key for feed in held] == ["articles.json"]

    read_render_of(feed_app).fresh(held[0])  # what the process's thread runs
    answer = http.get("/feeds/articles.json", headers={"If-None-Match": etag})
    assert answer.status_code == 200
    assert b"Second Story Number 0" in answer.data
    row = session.get(RenderedFeed, "articles.json")
    assert row is not None and row.as_of >= at
    # Served as stored, with the stored validators.
    assert answer.data == row.body and answer.headers["ETag"] == row.etag
    # The bytes the worker renders from the same data, and a 304 on them.
    documents, _ = publish.build_current(session, small_settings, ARTICLES)
    assert documents["json"] == row.body
    again = http.get("/feeds/articles.json", headers={"If-None-Match": row.etag})
    assert again.status_code == 304
    # The worker's refresh for that change finds it covered.
    assert publish.refresh(session, small_settings, ["articles"], at).rendered == []


def unpolled_change(feed_app: Flask, settings: Settings, http: FlaskClient) -> str:
    """The articles feed held but not polled since it was loaded, then changed and
    noted stale: no render set off yet. Its held copy's ETag."""
    etag = polled(settings, http)
    memory = memory_of(feed_app)
    copy = memory.get("articles.json")
    assert copy is not None
    memory.put(copy, memory.generation)  # loaded again: not served since
    ingest(settings, page("Second", 1), render=False)
    assert memory.note_stale(["articles"], utcnow()) == []
    return etag


def test_a_held_document_not_polled_renders_on_its_next_request_which_waits_for_it(
    feed_app: Flask, small_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # However slow the machine, the render ends the wait, not the wait's bound.
    monkeypatch.setattr(awaited, "AWAIT_SECONDS", 10.0)
    http = feed_app.test_client()
    etag = unpolled_change(feed_app, small_settings, http)
    # The request sets off the render, in the process's thread, and is answered
    # with what it makes: done within moments.
    answer = http.get("/feeds/articles.json", headers={"If-None-Match": etag})
    assert answer.status_code == 200
    assert b"Second Story Number 0" in answer.data
    assert (
        http.get(
            "/feeds/articles.json", headers={"If-None-Match": answer.headers["ETag"]}
        ).status_code
        == 304
    )


def test_a_request_waits_for_a_slow_render_briefly_and_one_at_a_time(
    feed_app: Flask, small_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A wait long enough for the test to see it under way, however slow the machine.
    monkeypatch.setattr(awaited, "AWAIT_SECONDS", 0.5)
    http = feed_app.test_client()
    etag = unpolled_change(feed_app, small_settings, http)
    render, release = publish.render_and_store, threading.Event()

    def held_up(*args: object, **kwargs: object) -> object:
        release.wait(10)
        return render(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(publish, "render_and_store", held_up)
    answers: list[tuple[int, float]] = []

    def ask() -> None:
        began = time.monotonic()
        answer = http.get("/feeds/articles.json", headers={"If-None-Match": etag})
        answers.append((answer.status_code, time.monotonic() - began))

    waiting = threading.Thread(target=ask)
    waiting.start()
    wait_for(lambda: documents_of(feed_app).awaited.awaiting == 1, 5, 0.001, what="a request to wait")
    ask()  # another request meanwhile: answered at once with the copy held
    waiting.join(5)
    release.set()
    # The copy held, each: the first after its wait ran out, the second at once.
    (first, first_took), (second, second_took) = answers[1], answers[0]
    assert (first, second) == (304, 304)
    assert 0.5 <= first_took < 2.0
    assert second_took < awaited.AWAIT_SECONDS
    wait_for(
        lambda: (
            http.get("/feeds/articles.json", headers={"If-None-Match": etag}).status_code == 200
        ),
        10,
        what="the render, once let go",
    )


def test_a_feed_lock_held_elsewhere_serves_the_held_copy_at_once_and_once(
    feed_app: Flask, small_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read_render_module, "IDLE_SECONDS", 0.2)
    http = feed_app.test_client()
    etag = polled(small_settings, http)
    ingest(small_settings, page("Second", 1), render=False)
    client = redis.Redis.from_url(small_settings.redis_url)
    lock = feed_lock_key(small_settings.key_prefix, "articles")
    client.set(lock, "the-worker", px=60_000)
    try:
        memory = memory_of(feed_app)
        memory.on_stale = None
        at = utcnow()
        memory.note_stale(["articles"], at)
        started = time.monotonic()
        answer = http.get("/feeds/articles.json", headers={"If-None-Match": etag})
        assert answer.status_code == 304
        assert time.monotonic() - started < 1.0
        read_render = read_render_of(feed_app)
        # The render it set off found the lock held, and let the change be.
        wait_for(lambda: read_render._thread is None, timeout=10, what="the render's try")
        assert memory.stale.tried("articles", at)
        client.delete(lock)
        # Tried once for that change: the holder's announcement brings the new one.
        answer = http.get("/feeds/articles.json", headers={"If-None-Match": etag})
        assert answer.status_code == 304
    finally:
        client.delete(lock)
        client.close()


def test_the_process_announces_its_render_and_keeps_its_own_copy(
    feed_app: Flask, small_settings: Settings
) -> None:
    http = feed_app.test_client()
    polled(small_settings, http)
    client = redis.Redis.from_url(small_settings.redis_url)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    memory = memory_of(feed_app)
    pubsub.subscribe(memory._channel)
    try:
        ingest(small_settings, page("Second", 1), render=False)
        memory.on_stale = None
        [held] = memory.note_stale(["articles"], utcnow())
        fresh = read_render_of(feed_app).fresh(held)
        message = None
        deadline = time.monotonic() + 10
        while message is None and time.monotonic() < deadline:
            message = pubsub.get_message(timeout=1)
        assert message is not None
        # Heard back by this process: the copy it rendered stays.
        memory._heard(message["data"])
        assert memory.get("articles.json") is fresh
    finally:
        pubsub.close()
        client.close()


def test_stale_notes_cover_subscription_documents_once_per_change() -> None:
    notes = StaleNotes()
    at = utcnow()
    assert not notes.noted
    notes.note(["articles"], at)
    before, after = at - timedelta(seconds=1), at + timedelta(seconds=1)
    assert notes.stale_at("articles", "articles.json", before) == at
    assert notes.stale_at("articles", "articles.json", after) is None
    assert notes.stale_at("articles", "articles/archive/2.json", before) is None
    assert notes.stale_at("articles", "articles.json?q=x", None) is None
    assert notes.stale_at("tag:x", "tag:x.json", before) is None
    assert notes.claim("articles", at) and not notes.claim("articles", at)
    later = at + timedelta(milliseconds=5)
    notes.note(["articles"], later)
    assert notes.claim("articles", later)
    notes.drop_before(after)
    assert not notes.noted


def test_the_worker_waits_for_a_web_render_under_way_then_takes_the_lock(
    prefixed_redis: tuple[redis.Redis, str],
) -> None:
    client, prefix = prefixed_redis
    lock = feed_lock_key(prefix, "articles")
    client.set(lock, "a-web-process", px=10_000)
    released = threading.Timer(0.2, lambda: client.delete(lock))
    released.start()
    co = RenderCoalescer(client, prefix, lock_ms=5_000)
    token = uuid.uuid4().hex
    started = time.monotonic()
    co.feed_locks.take(["articles", "tag:x"], token)
    assert time.monotonic() - started >= 0.15
    assert client.get(lock) == token.encode()
    assert client.get(feed_lock_key(prefix, "tag:x")) == token.encode()
    co.feed_locks.release(["articles", "tag:x"], token)
    assert not client.exists(lock) and not co.feed_locks.held


def test_a_feed_lock_a_dead_renderer_left_is_taken_at_once(
    prefixed_redis: tuple[redis.Redis, str],
) -> None:
    client, prefix = prefixed_redis
    lock = feed_lock_key(prefix, "articles")
    client.set(lock, RENDERER_MARK + "died-mid-render", px=10_000)
    co = RenderCoalescer(client, prefix, lock_ms=5_000)
    started = time.monotonic()
    co.feed_locks.take(["articles"], RENDERER_MARK + "next")
    assert time.monotonic() - started < 0.5
    assert client.get(lock) == (RENDERER_MARK + "next").encode()


def test_a_drain_lets_go_of_each_feed_lock_rendered_or_failed(
    prefixed_redis: tuple[redis.Redis, str],
) -> None:
    client, prefix = prefixed_redis
    co = RenderCoalescer(client, prefix, lock_ms=5_000)
    held_during: dict[str, bool] = {}

    def render(name: str, stamp: object) -> None:
        held_during[name] = bool(client.exists(feed_lock_key(prefix, name)))
        if name == "tag:broken":
            raise RuntimeError("this feed fails")

    co.drain(render, mark=(["articles", "tag:broken"], utcnow()), wanted=lambda names: names)
    assert held_during == {"articles": True, "tag:broken": True}
    assert not client.exists(feed_lock_key(prefix, "articles"), feed_lock_key(prefix, "tag:broken"))


def test_the_thread_ends_when_idle_and_starts_again(
    feed_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read_render_module, "IDLE_SECONDS", 0.2)
    read_render = read_render_of(feed_app)
    ran: list[str] = []
    monkeypatch.setattr(read_render, "fresh", lambda feed: ran.append(feed.key))
    first = StoredFeed.build("articles.json", "application/json", b"{}", "1", utcnow(), "x")
    second = StoredFeed.build("articles.atom", "application/xml", b"<x/>", "2", utcnow(), "x")
    read_render._later(first)
    wait_for(lambda: ran == ["articles.json"], timeout=5, what="the first render")
    thread = read_render._thread
    assert thread is not None
    thread.join(5)
    assert read_render._thread is None
    read_render._later(second)
    wait_for(
        lambda: ran == ["articles.json", "articles.atom"],
        timeout=5,
        what="the render after the thread ended",
    )
