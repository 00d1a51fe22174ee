"""A web process answers a stale note's reply token once it has rendered what its
readers poll of the noted feeds, so the feed worker's task, held back meanwhile
(shared/ahead_wait.py), comes after that render instead of beside it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from flask import Flask
from sqlalchemy.orm import Session

from services.feed.memory import FeedMemory
from shared import ahead_wait
from shared.changes import stale_note
from shared.db import utcnow
from shared.models import RenderedFeed
from shared.settings import Settings
from tests.services.feed.test_read_render import memory_of, polled, read_render_of
from tests.support.content import ingest, page


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
