"""A poll of a document whose new copy is moments away (a recent stale note) waits
for it, whoever renders it: the copy put in its place ends the wait at once. The
wait is bounded in time and in requests, and never made for an old note."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from unittest import mock

import pytest

from services.feed import awaited
from services.feed.awaited import RenderAwait
from services.feed.memory import FeedMemory
from services.feed.serving import StoredFeed
from shared.db import utcnow
from tests.support.waiting import wait_for


def copy(body: bytes, as_of_seconds_ago: float) -> StoredFeed:
    now = utcnow()
    return StoredFeed.build(
        "articles.json", "application/feed+json", body, f'"{body.decode()}"', now,
        "public, max-age=60", None, now, now - timedelta(seconds=as_of_seconds_ago),
    )  # fmt: skip


def held_then_noted(note_seconds_ago: float) -> tuple[FeedMemory, StoredFeed]:
    memory = FeedMemory(mock.Mock(), mock.Mock(), "p:")
    old = copy(b"old", 10)
    memory.put(old, memory.generation)
    memory.note_stale(["articles"], utcnow() - timedelta(seconds=note_seconds_ago))
    assert memory.stale_at(old) is not None
    return memory, old


@pytest.fixture(autouse=True)
def long_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    # A wait far longer than any test here takes: one that ends early was ended,
    # and one that does not start is told apart from a slow machine.
    monkeypatch.setattr(awaited, "AWAIT_SECONDS", 5.0)


def test_a_copy_put_meanwhile_ends_the_wait_at_once() -> None:
    memory, old = held_then_noted(0)
    new = copy(b"new", 0)  # an announcement's, or this process's render
    waits = RenderAwait(memory)
    answers: list[tuple[StoredFeed | None, float]] = []

    def ask() -> None:
        began = time.monotonic()
        answers.append((waits.newest(old), time.monotonic() - began))

    waiting = threading.Thread(target=ask)
    waiting.start()
    wait_for(lambda: waits.awaiting == 1, 5, 0.001, what="the request to wait")
    memory.put(new, memory.generation)
    waiting.join(5)
    ((got, took),) = answers
    assert got is new
    assert took < 2.0


def test_no_copy_in_time_leaves_the_one_held(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(awaited, "AWAIT_SECONDS", 0.2)
    memory, old = held_then_noted(0)
    began = time.monotonic()
    assert RenderAwait(memory).newest(old) is old
    assert 0.2 <= time.monotonic() - began < 2.0


def test_an_older_note_is_not_waited_for() -> None:
    memory, old = held_then_noted(awaited.RECENT_SECONDS + 1)
    began = time.monotonic()
    assert RenderAwait(memory).newest(old) is old
    assert time.monotonic() - began < 2.0


def test_a_copy_no_note_made_old_is_not_waited_for() -> None:
    memory = FeedMemory(mock.Mock(), mock.Mock(), "p:")
    fresh = copy(b"fresh", 0)
    memory.put(fresh, memory.generation)
    memory.note_stale(["articles"], utcnow() - timedelta(seconds=5))
    began = time.monotonic()
    assert RenderAwait(memory).newest(fresh) is fresh
    assert time.monotonic() - began < 2.0
