"""A refresh request holds the feed worker's task back while web processes that heard
its stale note render ahead of the worker: the task is pushed once, when the last of
them replies, or by the sender when its wait is over (shared/ahead_wait.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import redis

from shared import ahead_wait
from shared.changes import StaleNote, changes_channel, decode_stale
from shared.refresh_queue import queued_key, request_refresh
from tests.support.redis_server import RedisServer
from tests.support.refresh_stack import Stack, refresh_stack

AT = datetime(2026, 1, 3, tzinfo=UTC)


@pytest.fixture
def stack(redis_server: RedisServer) -> Iterator[Stack]:
    with refresh_stack(redis_server.url) as s:
        yield s


class WebProcess:
    """Hears the stale notes as a web process's watcher does; replies to each after
    ``render_seconds`` (never when None), noting how many tasks were queued then."""

    def __init__(self, stack: Stack, url: str, render_seconds: float | None) -> None:
        self.stack = stack
        self.render_seconds = render_seconds
        self.client = redis.Redis.from_url(url)
        self.pubsub = self.client.pubsub()
        self.pubsub.subscribe(changes_channel(stack.prefix))
        # Subscribed once Redis confirms it: a note published after is heard.
        confirmed = self.pubsub.get_message(timeout=5)
        assert confirmed is not None and confirmed["type"] == "subscribe"
        self.notes: list[StaleNote] = []
        self.queued_before_reply: list[int] = []
        self.pushed: list[bool] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            message = self.pubsub.get_message(timeout=0.05)
            if message is None:
                continue
            note = decode_stale(message["data"])
            assert note is not None
            self.notes.append(note)
            if self.render_seconds is None or note.reply is None:
                continue
            time.sleep(self.render_seconds)
            self.queued_before_reply.append(self.stack.queued())
            self.pushed.append(ahead_wait.reply(self.client, self.stack.prefix, note.reply))

    def replied(self, count: int) -> None:
        """Wait until this process has recorded ``count`` replies."""
        deadline = time.monotonic() + 5
        while len(self.pushed) < count and time.monotonic() < deadline:
            time.sleep(0.005)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.pubsub.close()
        self.client.close()


class WebProcesses:
    def __init__(self, stack: Stack, url: str) -> None:
        self.stack, self.url = stack, url
        self.made: list[WebProcess] = []

    def start(self, render_seconds: float | None) -> WebProcess:
        process = WebProcess(self.stack, self.url, render_seconds)
        self.made.append(process)
        return process


@pytest.fixture
def web(stack: Stack, redis_server: RedisServer) -> Iterator[WebProcesses]:
    processes = WebProcesses(stack, redis_server.url)
    yield processes
    for process in processes.made:
        process.close()


def _request(stack: Stack, owner: str, ahead: float = ahead_wait.AHEAD_WAIT) -> float:
    started = time.monotonic()
    assert request_refresh(
        stack.app, stack.client, stack.prefix, ["articles"], AT, owner, ahead=ahead
    )
    return time.monotonic() - started


def _no_ahead_keys(stack: Stack) -> bool:
    return not list(stack.client.scan_iter(f"{stack.prefix}feeds:ahead:*"))


def test_with_no_web_process_listening_the_task_is_pushed_at_once(stack: Stack) -> None:
    assert _request(stack, "page-0") < ahead_wait.AHEAD_WAIT
    assert stack.queued() == 1
    assert _no_ahead_keys(stack)


def test_the_task_is_pushed_when_the_web_process_has_rendered(
    stack: Stack, web: WebProcesses
) -> None:
    process = web.start(render_seconds=0.05)
    took = _request(stack, "page-0", ahead=5.0)
    process.replied(1)
    # Held while the web process rendered, pushed by its reply, and the sender
    # went on right after it instead of waiting its time out.
    assert process.queued_before_reply == [0] and process.pushed == [True]
    assert 0.05 <= took < 2.0
    assert stack.queued() == 1
    assert _no_ahead_keys(stack)


def test_the_last_of_several_web_processes_pushes_it(stack: Stack, web: WebProcesses) -> None:
    quick, slow = web.start(render_seconds=0.02), web.start(render_seconds=0.2)
    took = _request(stack, "page-0", ahead=5.0)
    quick.replied(1)
    slow.replied(1)
    assert quick.pushed == [False] and quick.queued_before_reply == [0]
    assert slow.pushed == [True] and slow.queued_before_reply == [0]
    assert 0.2 <= took < 2.0
    assert stack.queued() == 1


def test_a_web_process_that_never_replies_costs_the_wait_and_nothing_more(
    stack: Stack, web: WebProcesses
) -> None:
    silent = web.start(render_seconds=None)
    took = _request(stack, "page-0", ahead=0.2)
    assert 0.2 <= took < 2.0
    assert stack.queued() == 1
    assert _no_ahead_keys(stack)
    # A reply after the sender pushed the task pushes nothing more.
    [note] = silent.notes
    assert note.reply is not None
    assert not ahead_wait.reply(stack.client, stack.prefix, note.reply)
    assert stack.queued() == 1
    assert _no_ahead_keys(stack)


def test_a_request_without_a_note_is_never_held(stack: Stack, web: WebProcesses) -> None:
    web.start(render_seconds=None)
    started = time.monotonic()
    assert request_refresh(
        stack.app, stack.client, stack.prefix, ["rates"], AT, "page-0", tell_readers=False
    )
    assert time.monotonic() - started < ahead_wait.AHEAD_WAIT
    assert stack.queued() == 1


def test_a_held_task_expires_with_its_sender_gone(stack: Stack, web: WebProcesses) -> None:
    """A sender that dies while it holds the task leaves it to its own rerun: the
    held copy does not outlive ``HELD_TTL_MS``."""
    web.start(render_seconds=None)
    sender = threading.Thread(target=_request, args=(stack, "page-0", 1.0))
    sender.start()
    try:
        pattern = f"{stack.prefix}feeds:ahead:*"
        held = _wait_for_key(stack, pattern)
        assert 0 < stack.client.pttl(held) <= ahead_wait.HELD_TTL_MS
        assert stack.queued() == 0
    finally:
        sender.join(5)
    assert stack.queued() == 1


def _wait_for_key(stack: Stack, pattern: str) -> str:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        keys = list(stack.client.scan_iter(pattern))
        if keys:
            return keys[0].decode()
        time.sleep(0.005)
    raise AssertionError(f"no key matched {pattern}")


def test_a_change_made_while_others_wait_in_the_backlog_is_not_held(
    stack: Stack, web: WebProcesses
) -> None:
    """In a burst the worker's rounds keep pace with the pages: its task goes at once,
    and the web processes are told of the change without being waited for."""
    silent = web.start(render_seconds=None)
    backlog = f"{stack.prefix}backlog:ingest"
    stack.client.rpush(backlog, "a page waiting")
    started = time.monotonic()
    assert request_refresh(
        stack.app, stack.client, stack.prefix, ["articles"], AT, "page-0", backlog=backlog
    )
    assert time.monotonic() - started < ahead_wait.AHEAD_WAIT
    assert stack.queued() == 1
    deadline = time.monotonic() + 5
    while not silent.notes and time.monotonic() < deadline:
        time.sleep(0.005)
    assert [(note.feeds, note.reply) for note in silent.notes] == [(["articles"], None)]
    # Alone again: held for the web process (which never replies here).
    stack.client.delete(backlog)
    stack.client.delete(queued_key(stack.prefix))
    took = time.monotonic()
    assert request_refresh(
        stack.app,
        stack.client,
        stack.prefix,
        ["articles"],
        AT,
        "page-1",
        backlog=backlog,
        ahead=0.2,
    )
    assert time.monotonic() - took >= 0.2
    assert stack.queued() == 2


def test_a_sender_held_up_past_the_held_copy_sends_its_own(
    stack: Stack, web: WebProcesses, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sender held up (a paused process) until its held message expired, with no
    reply: it sends its own copy, so its claim never stands without a task."""
    web.start(render_seconds=None)
    monkeypatch.setattr(ahead_wait, "HELD_TTL_MS", 50)  # a pause longer than the TTL
    assert _request(stack, "page-0", ahead=0.3) >= 0.3
    assert stack.queued() == 1
    assert _no_ahead_keys(stack)


def test_a_late_flush_sends_the_message_once_whoever_pushed_it(stack: Stack) -> None:
    """The flush that ends a sender's wait pushes the held message (1), nothing when
    a reply pushed it (0: its mark stands), and the sender's own copy when neither
    is left (2)."""
    queue = f"{stack.prefix}test-queue"

    def held() -> str:
        token = ahead_wait.new_token()
        key = ahead_wait.ahead_key(stack.prefix, token)
        stack.client.hset(key, mapping={"queue": queue, "message": "held", "left": 1})
        return token

    token = held()
    assert ahead_wait.flush(stack.client, stack.prefix, token, queue, "own") == 1
    token = held()
    assert ahead_wait.reply(stack.client, stack.prefix, token)
    assert ahead_wait.flush(stack.client, stack.prefix, token, queue, "own") == 0
    token = ahead_wait.new_token()  # expired, never replied to
    assert ahead_wait.flush(stack.client, stack.prefix, token, queue, "own") == 2
    assert stack.client.lrange(queue, 0, -1) == [b"own", b"held", b"held"]
    assert _no_ahead_keys(stack)
