from __future__ import annotations

import contextlib
import socket
import threading
import uuid
from collections.abc import Iterator

import pytest
import redis
from flask import Flask

from services.feed.app import create_app
from shared.settings import Settings
from tests.support.redis_server import RedisServer
from tests.support.waiting import wait_for


@pytest.fixture
def small_settings(settings: Settings) -> Settings:
    """Pages of five entries, so archives appear with a handful of articles."""
    return settings.model_copy(update={"feed_page_size": 5, "feed_max_age": 120})


@pytest.fixture
def feed_app(small_settings: Settings) -> Iterator[Flask]:
    app = create_app(small_settings, watch_changes=False)
    yield app
    # A first render asks the feed worker, from a thread, to refresh its feed:
    # the request is in Redis before the database is wiped (db_url waits for it
    # when workers run on this database). Bounded: a test may have stopped Redis.
    first_renders = app.extensions["silkfeed"]["documents"].first_renders
    with contextlib.suppress(AssertionError):
        wait_for(lambda: not first_renders.waiting(), timeout=5, what="first-render refreshes")


def forget_all(app: Flask) -> None:
    """What the change announcement does in a running service."""
    memory = app.extensions["silkfeed"]["memory"]
    memory.forget(list(memory._entries))


@pytest.fixture
def prefixed_redis(redis_server: RedisServer) -> Iterator[tuple[redis.Redis, str]]:
    """A client of the test Redis and a key prefix of this test's own (its keys go after)."""
    client = redis.Redis.from_url(redis_server.url)
    prefix = f"test-{uuid.uuid4().hex[:8]}:"
    yield client, prefix
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def silent_redis() -> Iterator[int]:
    """A port that takes connections and never answers (a Redis that hangs)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()
