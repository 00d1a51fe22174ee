"""The renderer waits for the end of a burst wherever its pages wait: in the ingest
backlog's list (taken a batch at a time) or as a queued ingest task."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
import redis

from services.feed.coalesce import RenderCoalescer
from services.feed.tasks import _coalescer
from shared import contracts
from shared.backlog import backlog_key
from shared.settings import Settings
from tests.support.redis_server import RedisServer


@pytest.fixture
def client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_server.url)
    yield client
    client.close()


def test_the_render_waits_while_any_backlog_list_holds_work(client: redis.Redis) -> None:
    prefix = f"test-{uuid.uuid4().hex[:8]}:"
    lists = (f"{prefix}backlog", f"{prefix}queue")
    co = RenderCoalescer(client, prefix, lock_ms=5000, backlog_keys=lists, max_delay=5.0)
    client.rpush(lists[1], "a page")
    emptied: list[float] = []

    def end_of_burst() -> None:
        time.sleep(0.3)
        emptied.append(time.monotonic())
        client.delete(*lists)

    rendered: list[float] = []
    ender = threading.Thread(target=end_of_burst)
    ender.start()
    try:
        done = co.drain(
            lambda name, stamp: rendered.append(time.monotonic()),
            mark=(["articles"], datetime.now(UTC)),
        )
    finally:
        ender.join()
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
    assert done == ["articles"]
    assert rendered[0] >= emptied[0]  # not before the burst ended
    assert rendered[0] - emptied[0] < 1.0  # and soon after it


def test_the_feed_task_watches_the_ingest_backlog_and_queue(
    settings: Settings, client: redis.Redis
) -> None:
    task = SimpleNamespace(
        resources=SimpleNamespace(settings=settings, redis=SimpleNamespace(get=lambda **_: client))
    )
    co = _coalescer(task)  # type: ignore[arg-type]
    prefix = settings.key_prefix
    assert set(co.backlog_keys) == {
        backlog_key(prefix, contracts.BACKLOG_INGEST),
        prefix + contracts.QUEUE_INGEST,
    }
