"""A web process answers a stale note's reply token once it has rendered what its
readers poll of the noted feeds, so the feed worker's task, held back meanwhile
(shared/ahead_wait.py), comes after that render instead of beside it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import redis
from flask import Flask
from sqlalchemy.orm import Session

from services.feed import read_render as read_render_module
from services.feed.app import create_app
from services.feed.memory import FeedMemory
from services.feed.serving import StoredFeed
from shared import ahead_wait
from shared.celery_app import create_celery
from shared.changes import changes_channel, stale_note
from shared.db import utcnow
from shared.models import RenderedFeed
from shared.refresh_queue import queued_key, request_refresh
from shared.settings import Settings
from tests.services.feed.test_read_render import memory_of, polled, read_render_of
from tests.support.content import ingest, page
from tests.support.waiting import wait_for


class HeldTask:
    """What a sender's script leaves while it waits: the task's message held for
    ``left`` web processes, to go onto a queue of this test's own."""

    def __init__(self, client: redis.Redis, prefix: str, left: int = 1) -> None:
        self.client = client
        self.token = ahead_wait.new_token()
        self.queue = f"{prefix}test-queue:{self.token}"
        key = ahead_wait.ahead_key(prefix, self.token)
        client.hset(key, mapping={"queue": self.queue, "message": "the task", "left": left})
        client.pexpire(key, ahead_wait.HELD_TTL_MS)

    def pushed(self, timeout: float = 0) -> bool:
        if timeout:
            return self.client.blpop([self.queue], timeout=timeout) is not None
        return self.client.lpop(self.queue) is not None


@pytest.fixture
def redis_client(small_settings: Settings) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(small_settings.redis_url)
    yield client
    for key in client.scan_iter(f"{small_settings.key_prefix}*ahead*"):
        client.delete(key)
    client.close()


def test_the_reply_comes_once_the_polled_document_is_rendered_and_stored(
    feed_app: Flask, small_settings: Settings, session: Session, redis_client: redis.Redis
) -> None:
    http = feed_app.test_client()
    polled(small_settings, http)
    ingest(small_settings, page("Second", 1), render=False)
    at = utcnow()
    held_task = HeldTask(redis_client, small_settings.key_prefix)
    memory = memory_of(feed_app)
    held = memory.note_stale(["articles"], at)
    assert [feed.key for feed in held] == ["articles.json"]

    read_render_of(feed_app).polled_stale(held, held_task.token)
    assert held_task.pushed(timeout=10)
    # By the time the task goes out, the render is stored and served.
    session.expire_all()
    row = session.get(RenderedFeed, "articles.json")
    assert row is not None and row.as_of >= at
    copy = memory.get("articles.json")
    assert copy is not None and b"Second Story Number 0" in copy.body


def test_a_note_of_feeds_nobody_polls_here_is_answered_at_once(
    feed_app: Flask, small_settings: Settings, redis_client: redis.Redis
) -> None:
    held_task = HeldTask(redis_client, small_settings.key_prefix)
    memory = memory_of(feed_app)
    assert memory.note_stale(["tag:nowhere"], utcnow()) == []
    read_render_of(feed_app).polled_stale([], held_task.token)
    assert held_task.pushed()


def test_one_of_two_web_processes_replying_does_not_send_the_task(
    feed_app: Flask, small_settings: Settings, redis_client: redis.Redis
) -> None:
    held_task = HeldTask(redis_client, small_settings.key_prefix, left=2)
    read_render_of(feed_app).polled_stale([], held_task.token)
    assert not held_task.pushed()
    assert ahead_wait.reply(redis_client, small_settings.key_prefix, held_task.token)
    assert held_task.pushed()


def test_a_process_that_renders_nothing_ahead_answers_from_its_watcher(
    small_settings: Settings, redis_client: redis.Redis
) -> None:
    memory = FeedMemory(None, redis_client, small_settings.key_prefix)  # type: ignore[arg-type]
    held_task = HeldTask(redis_client, small_settings.key_prefix)
    memory._heard(stale_note(["articles"], utcnow(), held_task.token))
    assert held_task.pushed()


def test_a_note_is_answered_once_after_the_last_of_its_renders(
    feed_app: Flask,
    small_settings: Settings,
    redis_client: redis.Redis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two polled documents of one note: the task stays held while either render
    runs, and this process answers once, after both (another process that heard the
    note still has to answer)."""
    read_render = read_render_of(feed_app)
    release = threading.Event()
    rendered: list[str] = []

    def held_render(feed: StoredFeed) -> StoredFeed:
        assert release.wait(10)
        rendered.append(feed.key)
        return feed

    monkeypatch.setattr(read_render, "fresh", held_render)
    replies: list[str] = []
    real_reply = ahead_wait.reply

    def counted(client: redis.Redis, prefix: str, token: str) -> bool:
        replies.append(token)
        return real_reply(client, prefix, token)

    monkeypatch.setattr(read_render_module.ahead_wait, "reply", counted)
    held_task = HeldTask(redis_client, small_settings.key_prefix, left=2)
    documents = [
        StoredFeed.build(key, "application/json", b"{}", key, utcnow(), "x")
        for key in ("articles.json", "articles.atom")
    ]
    read_render.polled_stale(documents, held_task.token)
    time.sleep(0.2)  # the renders are held: nothing is answered meanwhile
    assert replies == [] and not held_task.pushed()
    release.set()
    wait_for(lambda: replies == [held_task.token], timeout=10, what="this process's reply")
    assert rendered == ["articles.json", "articles.atom"]
    assert not held_task.pushed()  # the other process has not answered yet
    assert real_reply(redis_client, small_settings.key_prefix, held_task.token)  # the other's
    assert held_task.pushed()
    time.sleep(0.1)
    assert replies == [held_task.token]


def test_the_task_of_a_change_made_alone_waits_for_the_watching_process_render(
    small_settings: Settings, session: Session, redis_client: redis.Redis
) -> None:
    """End to end through pub/sub: a web process watching the changes channel hears
    the refresh request's stale note (Redis counts it among those that heard it),
    renders the document its reader polls, and only then is the feed task queued."""
    app = create_app(small_settings, watch_changes=True)
    memory = memory_of(app)
    try:
        http = app.test_client()
        polled(small_settings, http)
        wait_for(
            lambda: redis_client.pubsub_numsub(changes_channel(small_settings.key_prefix))[0][1]
            >= 1,
            timeout=10,
            what="the watcher's subscription",
        )
        ingest(small_settings, page("Second", 1), render=False)
        # This request wins the claim, whatever an earlier one left.
        redis_client.delete(queued_key(small_settings.key_prefix))
        at = utcnow()
        celery = create_celery("test-read-render-replies", small_settings)
        try:
            started = time.monotonic()
            assert request_refresh(
                celery, redis_client, small_settings.key_prefix, ["articles"], at, "page-1",
                ahead=10.0,
            )  # fmt: skip
            took = time.monotonic() - started
        finally:
            celery.close()
        # Sent by the watching process's reply, not at the end of the wait (workers
        # running on this database may have taken the task since), and only once
        # the render was stored and held:
        assert took < 5.0
        session.expire_all()
        row = session.get(RenderedFeed, "articles.json")
        assert row is not None and row.as_of >= at
        copy = memory.get("articles.json")
        assert copy is not None and b"Second Story Number 0" in copy.body
    finally:
        memory.stop()
