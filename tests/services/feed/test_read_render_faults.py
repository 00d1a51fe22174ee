"""Rendering ahead of the worker when things go wrong: a Redis that hangs holds no
reader up, notes heard while the process's render thread is busy queue one
render per document, and a render another one overtook is neither announced
nor pushed by the process whose write it lost."""

from __future__ import annotations

import threading
import time

import pytest
import redis
from flask import Flask
from sqlalchemy.orm import Session

from services.feed import publish
from services.feed import read_render as read_render_module
from services.feed.coalesce_scripts import feed_lock_key
from services.feed.memory import FeedMemory
from services.feed.read_render import ReadRender
from services.feed.serving import StoredFeed
from shared.db import make_session_factory, utcnow
from shared.feed_names import FeedSpec
from shared.models import RenderedFeed
from shared.settings import Settings
from tests.services.feed.test_read_render import memory_of, polled, read_render_of
from tests.support.content import ingest, page
from tests.support.waiting import wait_for

ARTICLES = FeedSpec.articles()


def idle(read_render: ReadRender) -> None:
    """Wait until the process's render thread has ended, its work done."""
    wait_for(lambda: read_render._thread is None, timeout=10, what="the render thread's end")


def test_a_hung_redis_holds_no_reader_of_a_noted_feed_up(
    feed_app: Flask, small_settings: Settings, silent_redis: int
) -> None:
    http = feed_app.test_client()
    etag = polled(small_settings, http)
    ingest(small_settings, page("Second", 1), render=False)
    read_render = read_render_of(feed_app)
    # The client the app gives it (create_app's timeouts, redis-py's own retries),
    # to a Redis that takes connections and never answers.
    read_render.client = redis.Redis(port=silent_redis, socket_timeout=2, socket_connect_timeout=1)
    memory = memory_of(feed_app)
    memory.on_stale = None
    memory.note_stale(["articles"], utcnow())
    started = time.monotonic()
    answer = http.get("/feeds/articles.json", headers={"If-None-Match": etag})
    # Served from memory at once: the copy held, with its own validators.
    assert time.monotonic() - started < 0.5
    assert answer.status_code == 304


def test_notes_heard_while_the_render_thread_is_busy_queue_one_render_a_document(
    feed_app: Flask, small_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read_render_module, "IDLE_SECONDS", 0.2)
    http = feed_app.test_client()
    polled(small_settings, http)
    held = memory_of(feed_app).get("articles.json")
    assert held is not None
    read_render = read_render_of(feed_app)
    release = threading.Event()
    calls: list[str] = []

    def busy(feed: StoredFeed) -> StoredFeed:
        calls.append(feed.key)
        release.wait(10)  # a render waiting on a slow database or Redis
        return feed

    monkeypatch.setattr(read_render, "fresh", busy)
    for _ in range(500):
        read_render.polled_stale([held])
    release.set()
    idle(read_render)
    # The one under way, then the latest asked for: not one per note.
    assert 1 <= len(calls) <= 2


def test_a_render_overtaken_by_a_later_one_is_neither_announced_nor_pushed(
    feed_app: Flask,
    small_settings: Settings,
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(read_render_module, "IDLE_SECONDS", 0.2)
    http = feed_app.test_client()
    polled(small_settings, http)
    ingest(small_settings, page("Second", 1), render=False)
    memory: FeedMemory = memory_of(feed_app)
    memory.on_stale = None
    [held] = memory.note_stale(["articles"], utcnow())
    told: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(
        read_render_module,
        "announce",
        lambda client, prefix, keys, documents=(): told.append(("announced", list(keys))),
    )
    monkeypatch.setattr(
        read_render_module,
        "documents_changed",
        lambda app, session, keys: told.append(("pushed", list(keys))),
    )
    sessions = make_session_factory(feed_app.extensions["silkfeed"]["engine"])
    assemble = publish._assemble
    overtaken: list[bool] = []

    def later_render_first(*args: object, **kwargs: object) -> dict[str, bytes]:
        # Another renderer (the worker, past its wait) reads the database after
        # this render did and stores first: this render's write finds a later
        # one and is not made; that renderer announces and pushes its own.
        if not overtaken:
            overtaken.append(True)
            with sessions() as other:
                publish.render_and_store(other, small_settings, ARTICLES, formats=("json",))
        return assemble(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(publish, "_assemble", later_render_first)
    copy = read_render_of(feed_app).fresh(held)
    idle(read_render_of(feed_app))
    assert overtaken
    assert told == []
    row = session.get(RenderedFeed, "articles.json")
    assert row is not None
    # What the process serves is the stored render, its validators with it.
    assert (copy.body, copy.etag, copy.as_of) == (row.body, row.etag, row.as_of)


def test_the_feed_lock_is_let_go_of_before_the_render_is_told_of(
    feed_app: Flask, small_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    http = feed_app.test_client()
    polled(small_settings, http)
    ingest(small_settings, page("Second", 1), render=False)
    memory = memory_of(feed_app)
    memory.on_stale = None
    [held] = memory.note_stale(["articles"], utcnow())
    client = redis.Redis.from_url(small_settings.redis_url)
    lock = feed_lock_key(small_settings.key_prefix, "articles")
    held_while: dict[str, bool] = {}

    def announced(redis_client: object, prefix: str, keys: list[str], documents: object) -> None:
        held_while["announced"] = bool(client.exists(lock))

    def pushed(app: object, session: object, keys: list[str]) -> None:
        held_while["pushed"] = bool(client.exists(lock))

    monkeypatch.setattr(read_render_module, "announce", announced)
    monkeypatch.setattr(read_render_module, "documents_changed", pushed)
    try:
        read_render_of(feed_app).fresh(held)
    finally:
        client.close()
    # The worker waits for a feed's lock (up to 2 s) before its round: the
    # announcement and the pushes (a database read, the broker) are not its wait.
    assert held_while == {"announced": False, "pushed": False}
