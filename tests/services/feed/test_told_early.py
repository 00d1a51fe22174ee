"""The documents readers asked for are told of (announced, pushed) once committed,
whatever happens to the feed's other formats; a note of what readers asked for
never holds a reader up, and the notes kept are the recent ones."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy.orm import Session

from services.feed import publish
from services.feed.asked import NOTE_TIMEOUT, AskedNotes, asked_key
from services.feed.coalesce import RenderCoalescer
from services.feed.paths import feed_key
from services.feed.render import FORMATS
from services.feed.told import ToldEarly
from shared.db import utcnow
from shared.feed_names import FeedSpec
from shared.settings import Settings
from tests.support.content import ingest, page

ARTICLES = FeedSpec.articles()
KEYS = {fmt: feed_key(ARTICLES, fmt) for fmt in FORMATS}


def test_a_failed_early_announcement_still_pushes_and_is_left_to_the_end() -> None:
    pushes: list[list[str]] = []

    def down(keys: list[str]) -> None:
        raise redis.ConnectionError("Redis away")

    told = ToldEarly(down, pushes.append)
    told(["articles.json"])
    assert pushes == [["articles.json"]]
    every = list(KEYS.values())
    assert told.not_announced(every) == every
    assert told.not_pushed(every) == [KEYS["atom"], KEYS["rss"]]


def test_a_push_survives_a_failure_after_the_first_commit(
    settings: Settings, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(settings, page("Early", 1), render=False)
    publish.render_and_store(session, settings, ARTICLES)
    requested = utcnow()
    ingest(settings, page("Late", 1), render=False)
    announced: list[str] = []
    pushed: list[str] = []
    told = ToldEarly(announced.extend, pushed.extend)
    store = publish._store_and_commit
    calls = []

    def second_fails(*args: object, **kwargs: object) -> list[str]:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the database went away between the two commits")
        return store(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(publish, "_store_and_commit", second_fails)
    with pytest.raises(RuntimeError):
        publish.refresh(
            session, settings, ["articles"], requested, first={KEYS["json"]}, early=told
        )
    monkeypatch.setattr(publish, "_store_and_commit", store)
    assert pushed == announced == [KEYS["json"]]
    # The rerun renders the rest; between them every document is pushed once.
    rerun = publish.refresh(session, settings, ["articles"], requested)
    pushed += told.not_pushed(rerun.changed)
    assert sorted(pushed) == sorted(KEYS.values())


def test_a_note_to_a_hung_redis_holds_no_reader_up(silent_redis: int) -> None:
    client = redis.Redis(
        port=silent_redis,
        socket_timeout=NOTE_TIMEOUT,
        socket_connect_timeout=NOTE_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
    )
    notes = AskedNotes(client, "hung:")
    waits: list[float] = []

    def serve(key: str) -> None:
        started = time.monotonic()
        notes.note(key)
        waits.append(time.monotonic() - started)

    readers = [threading.Thread(target=serve, args=(f"tag:t{i}.json",)) for i in range(8)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    # One note is tried at a time, and it gives up at its timeout without retrying.
    assert max(waits) < 1.0
    assert sorted(waits)[-2] < 0.1
    started = time.monotonic()
    notes.note("articles.json")  # quiet for a while after a failure
    assert time.monotonic() - started < 0.05


def test_the_claim_forgets_documents_nobody_asked_for_lately(
    prefixed_redis: tuple[redis.Redis, str],
) -> None:
    redis_client, prefix = prefixed_redis
    AskedNotes(redis_client, prefix).note("articles.json")
    redis_client.zadd(asked_key(prefix), {"tag:old.rss": time.time() - 2 * 86_400})
    co = RenderCoalescer(redis_client, prefix, lock_ms=1000)
    seen: list[frozenset[str]] = []
    co.drain(lambda name, stamp: seen.append(co.asked), mark=(["articles"], datetime.now(UTC)))
    assert seen == [frozenset({"articles.json"})]
    assert redis_client.zrange(asked_key(prefix), 0, -1) == [b"articles.json"]


def test_a_web_process_remembers_a_bounded_number_of_notes(
    prefixed_redis: tuple[redis.Redis, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    redis_client, prefix = prefixed_redis
    monkeypatch.setattr("services.feed.asked.MAX_NOTED", 5)
    notes = AskedNotes(redis_client, prefix)
    for i in range(20):
        notes.note(f"tag:t{i}.json")
    assert len(notes._noted) <= 6
