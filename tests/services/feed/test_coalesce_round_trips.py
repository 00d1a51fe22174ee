"""The renderer's bookkeeping per feed is one Redis round trip, and still does
all it did: a feed changed again during its render stays dirty, a failure record
is cleared by a good render, and the lock is extended after every render."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis
from redis.connection import Connection

from services.feed.coalesce import AfterRender, RenderCoalescer
from tests.support.redis_server import RedisServer


class CountingConnection(Connection):
    sent = 0

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        CountingConnection.sent += 1
        super().send_packed_command(command, check_health)


@pytest.fixture
def coalescer(redis_server: RedisServer) -> Iterator[RenderCoalescer]:
    client = redis.Redis.from_url(redis_server.url)
    client.connection_pool.connection_class = CountingConnection
    prefix = f"test-{uuid.uuid4().hex[:8]}:"
    yield RenderCoalescer(client, prefix, lock_ms=1000)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


def test_each_rendered_feed_costs_one_round_trip_of_bookkeeping(
    coalescer: RenderCoalescer,
) -> None:
    feeds = [f"tag:t{i:02d}" for i in range(12)]
    coalescer.drain(lambda name, stamp: None, mark=(feeds, datetime.now(UTC)))  # scripts loaded
    before = CountingConnection.sent
    done = coalescer.drain(lambda name, stamp: None, mark=(feeds, datetime.now(UTC)))
    assert done == feeds
    # Per feed: one script call, the last feed's also ending the round (the look
    # that finds nothing left lets go of the lock). Besides: marking the feeds,
    # the lock and a look at what is due (the dirty and the failing feeds, and
    # the backlog) in one; a dozen feeds fit in one round.
    assert CountingConnection.sent - before == len(feeds) + 1
    assert coalescer.client.hlen(coalescer.dirty_key) == 0
    assert not coalescer.client.exists(coalescer.lock_key)  # let go in that last one
    assert coalescer.last_dirty == 0  # the task asks nothing more of Redis


def test_what_a_render_sends_shares_the_round_trip_that_unmarks_it(
    coalescer: RenderCoalescer,
) -> None:
    feeds = ["articles", "source:a"]
    coalescer.drain(lambda name, stamp: None, mark=(feeds, datetime.now(UTC)))
    order: list[str] = []
    announced = coalescer.lock_key + ":announced"

    def render(name: str, stamp: datetime) -> AfterRender:
        def send(pipe: redis.client.Pipeline) -> None:
            pipe.rpush(announced, name)

        def then() -> None:
            # Runs once the round trip is done: the feed is unmarked by then.
            assert coalescer.client.hget(coalescer.dirty_key, name) is None
            order.append(name)

        return AfterRender(send, then)

    before = CountingConnection.sent
    assert coalescer.drain(render, mark=(feeds, datetime.now(UTC))) == feeds
    # As above, and the look each `then` takes.
    assert CountingConnection.sent - before == len(feeds) + 1 + len(feeds)
    assert coalescer.client.lrange(announced, 0, -1) == [b"articles", b"source:a"]
    assert order == feeds


def test_a_feed_changed_during_its_render_is_rendered_again(coalescer: RenderCoalescer) -> None:
    coalescer.mark(["articles"], datetime.now(UTC))
    renders: list[str] = []

    def render(name: str, stamp: datetime) -> None:
        renders.append(name)
        if len(renders) == 1:
            coalescer.mark([name], stamp + timedelta(seconds=1))

    assert coalescer.drain(render) == ["articles", "articles"]
    assert coalescer.client.hlen(coalescer.dirty_key) == 0


def test_a_good_render_clears_the_failure_and_extends_the_lock(
    coalescer: RenderCoalescer,
) -> None:
    coalescer.failures.record("articles", RuntimeError("earlier"))
    ttls: list[int] = []

    def render(name: str, stamp: datetime) -> None:
        if name == "articles":
            time.sleep(0.6)  # most of the 1 s lock
        else:
            ttls.append(int(coalescer.client.pttl(coalescer.lock_key)))

    coalescer.mark(["articles", "source:a"], datetime.now(UTC))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(coalescer.failures, "due", lambda dirty, raw=None: dirty)  # its backoff is over
        assert coalescer.drain(render) == ["articles", "source:a"]
    assert coalescer.failures.get("articles") is None
    assert ttls and ttls[0] > 700  # extended after the first render, not 400 ms left


def test_feeds_with_nothing_to_render_are_unmarked_together(
    coalescer: RenderCoalescer,
) -> None:
    feeds = [f"tag:t{i:02d}" for i in range(12)]
    # Scripts loaded (the feed locks' too: a round that asks ``wanted`` takes them).
    coalescer.drain(lambda name, stamp: None, mark=(feeds, datetime.now(UTC)), wanted=set)
    rendered: list[str] = []
    asked: list[list[str]] = []

    def wanted(names: list[str]) -> set[str]:
        asked.append(names)
        return {"tag:t03", "tag:t07"}

    def render(name: str, stamp: datetime) -> None:
        rendered.append(name)

    before = CountingConnection.sent
    done = coalescer.drain(render, mark=(feeds, datetime.now(UTC)), wanted=wanted)
    assert rendered == done == ["tag:t03", "tag:t07"]
    assert asked == [feeds]  # one look for the whole round
    # As above for the two rendered, and the round's feed locks taken before
    # the look (services.feed.feed_locks); the ten others are unmarked in the
    # round trip that unmarks the last rendered one.
    assert CountingConnection.sent - before == 2 + 1 + 1
    assert coalescer.client.hlen(coalescer.dirty_key) == 0


def test_a_feed_marked_again_while_idle_ones_are_unmarked_stays_dirty(
    coalescer: RenderCoalescer,
) -> None:
    first = datetime.now(UTC)
    coalescer.mark(["tag:idle"], first)
    asked: list[list[str]] = []

    def wanted(names: list[str]) -> set[str]:
        asked.append(names)
        if len(asked) == 1:
            # A change lands after the round's look, before its idle feeds are unmarked.
            coalescer.mark(["tag:idle"], first + timedelta(seconds=1))
        return set()

    assert coalescer.drain(lambda name, stamp: None, wanted=wanted, max_seconds=5) == []
    # The newer mark outlived the first round's unmarking: the next round saw it.
    assert asked == [["tag:idle"], ["tag:idle"]]
    assert coalescer.client.hlen(coalescer.dirty_key) == 0


def test_the_last_look_counts_a_failing_feed_left_dirty(coalescer: RenderCoalescer) -> None:
    def render(name: str, stamp: datetime) -> None:
        if name == "source:bad":
            raise RuntimeError("cannot render")

    assert coalescer.drain(render, mark=(["articles", "source:bad"], datetime.now(UTC))) == [
        "articles"
    ]
    # Waiting out its backoff, still marked: the task schedules its retry.
    assert coalescer.last_dirty == 1
    assert coalescer.pending() == 0 and coalescer.next_retry_in() is not None
