"""Feed refreshes are sent once per burst: senders mark the dirty hash and send a
task only when none is queued, and no mark is left without a drain or a send
(the races are in shared/refresh_queue.py's docstring)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shared import contracts, refresh_queue
from shared.changes import changes_channel, decode_stale
from shared.refresh_queue import queued_key, request_refresh
from tests.support.redis_server import RedisServer
from tests.support.refresh_stack import Stack, refresh_app, refresh_stack


@pytest.fixture
def stack(redis_server: RedisServer) -> Iterator[Stack]:
    with refresh_stack(redis_server.url) as s:
        yield s


def test_a_burst_sends_one_task_and_marks_every_feed(stack: Stack) -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    sent = [
        stack.request(["articles", f"tag:t{i}"], f"page-{i}", t0 + timedelta(seconds=i))
        for i in range(20)
    ]
    assert sent == [True] + [False] * 19
    assert stack.queued() == 1
    dirty = {
        k.decode(): v.decode() for k, v in stack.client.hgetall(stack.coalescer.dirty_key).items()
    }
    assert len(dirty) == 21
    assert dirty["articles"] == (t0 + timedelta(seconds=19)).isoformat()  # the newest request
    assert dirty["tag:t3"] == (t0 + timedelta(seconds=3)).isoformat()


def test_marks_made_during_a_drain_are_rendered_by_it_and_later_ones_send(stack: Stack) -> None:
    assert stack.request(["articles"], "page-1")
    rendered: list[str] = []

    def render(name: str, stamp: datetime) -> None:
        rendered.append(name)
        if name == "articles":
            # A page processed while the drain runs: its task is not needed.
            assert not stack.request(["tag:late"], "page-2")

    stack.coalescer.drain(render)
    assert sorted(rendered) == ["articles", "tag:late"]
    assert stack.client.hlen(stack.coalescer.dirty_key) == 0
    # The drain let go of the key before its last look: the next page sends.
    assert not stack.client.exists(queued_key(stack.prefix))
    assert stack.request(["tag:after"], "page-3")
    assert stack.queued() == 2


def test_a_task_that_finds_the_lock_taken_leaves_the_key_to_the_holder(stack: Stack) -> None:
    assert stack.request(["articles"], "page-1")
    stack.client.set(stack.coalescer.lock_key, "someone-else", px=2000)
    assert stack.coalescer.drain(lambda name, stamp: None) is None
    # The holder deletes the key when it releases the lock; until then no task is needed.
    assert stack.client.exists(queued_key(stack.prefix))
    assert not stack.request(["tag:x"], "page-2")
    assert stack.client.hlen(stack.coalescer.dirty_key) == 2


def test_a_sender_that_died_before_sending_sends_again_when_rerun(stack: Stack) -> None:
    # The script ran (key set by page-1's task) but the process died before the send.
    stack.client.set(queued_key(stack.prefix), "page-1", px=refresh_queue.QUEUED_TTL_MS)
    assert not stack.request(["tag:other"], "page-2")
    assert stack.request(["articles"], "page-1")  # the redelivered task
    assert stack.queued() == 1


def test_a_failed_send_lets_the_next_sender_send(stack: Stack, redis_server: RedisServer) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]
    broken = refresh_app(f"redis://127.0.0.1:{dead_port}/0", stack.prefix)
    with pytest.raises(Exception):  # noqa: B017 - whatever the broker client raises
        request_refresh(broken, stack.client, stack.prefix, ["articles"], datetime.now(UTC), "p1")
    broken.close()
    assert not stack.client.exists(queued_key(stack.prefix))
    assert stack.client.hexists(stack.coalescer.dirty_key, "articles")  # nothing lost
    assert stack.request(["tag:x"], "page-2")
    assert stack.queued() == 1


def test_the_ttl_bounds_a_key_whose_task_was_lost(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(refresh_queue, "QUEUED_TTL_MS", 200)
    assert stack.request(["articles"], "page-1")
    stack.client.delete(stack.prefix + contracts.QUEUE_FEED)  # the message is lost
    assert not stack.request(["tag:x"], "page-2")
    time.sleep(0.3)
    assert stack.request(["tag:y"], "page-3")
    assert stack.queued() == 1
    assert stack.client.hlen(stack.coalescer.dirty_key) == 3


def test_a_request_that_sends_tells_the_web_processes_what_went_stale(stack: Stack) -> None:
    pubsub = stack.client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(changes_channel(stack.prefix))
    try:
        at = datetime(2026, 1, 3, tzinfo=UTC)
        assert stack.request(["tag:b", "articles"], "page-0", at)
        assert not stack.request(["tag:c"], "page-1", at)  # a task is queued: no note
        quiet = request_refresh(
            stack.app, stack.client, stack.prefix, ["rates"], at, "page-0", tell_readers=False
        )
        assert quiet  # the same owner sends again, without a note
        notes = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            message = pubsub.get_message(timeout=0.2)
            if message is not None:
                notes.append(decode_stale(message["data"]))
            elif notes:
                break
        assert [(note.feeds, note.at) for note in notes] == [(["articles", "tag:b"], at)]
    finally:
        pubsub.close()


def test_no_feeds_sends_nothing(stack: Stack) -> None:
    assert not stack.request([], "page-1")
    assert stack.queued() == 0
    assert not stack.client.exists(queued_key(stack.prefix))


@pytest.fixture
def own_stack(tmp_path: Path) -> Iterator[Stack]:
    """A Redis of this test's own: its command counts hold no other test's commands."""
    server = RedisServer(tmp_path)
    server.start()
    s = Stack(server.url)
    try:
        yield s
    finally:
        s.app.close()
        s.client.close()
        server.stop()


def test_the_request_pushes_celerys_own_message_in_one_round_trip(own_stack: Stack) -> None:
    stack = own_stack
    assert stack.request(["articles"], "page-0")  # the builder's channel is set up
    stack.client.delete(stack.prefix + contracts.QUEUE_FEED, queued_key(stack.prefix))
    stack.client.config_resetstat()
    at = datetime(2026, 1, 2, tzinfo=UTC)
    assert stack.request(["tag:c", "tag:b"], "page-1", at)
    calls = {
        name.removeprefix("cmdstat_"): stats["calls"]
        for name, stats in stack.client.info("commandstats").items()
        if name != "cmdstat_config|resetstat"
    }
    # The script, and what it ran: two marks, the claim, the push, the stale note
    # (services.feed.read_render). No send of its own.
    assert calls == {"evalsha": 1, "hget": 2, "hset": 2, "set": 1, "lpush": 1, "publish": 1}
    with stack.app.connection_for_read() as conn:
        queue = conn.SimpleQueue(contracts.QUEUE_FEED)
        message = queue.get(timeout=5)
        args, kwargs, _ = message.payload
        assert message.headers["task"] == contracts.REFRESH_FEEDS
        assert (args, kwargs) == (
            [],
            {"feeds": ["tag:b", "tag:c"], "requested_at": at.isoformat()},
        )
        message.ack()
        queue.close()
