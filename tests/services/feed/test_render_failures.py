"""A feed whose render fails is recorded and retried with backoff; it never blocks
the other feeds, renders go most-read first, and the drain's time bound holds
inside a round."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import redis
from sqlalchemy.orm import Session

from cli.stats import as_text, failing_feeds
from services.feed import publish
from services.feed.coalesce import RenderCoalescer
from services.feed.render_failures import (
    FIRST_BACKOFF,
    RenderFailures,
    backoff_after,
    render_priority,
)
from shared import contracts
from shared.celery_app import create_celery, send
from shared.db import utcnow
from shared.feed_names import FeedSpec
from shared.models import RenderedFeed
from shared.settings import Settings
from tests.support.content import ingest, page
from tests.support.processes import ServiceProcess
from tests.support.redis_server import RedisServer
from tests.support.waiting import wait_for


@pytest.fixture
def coalescer(redis_server: RedisServer) -> Iterator[RenderCoalescer]:
    client = redis.Redis.from_url(redis_server.url)
    prefix = f"test-{uuid.uuid4().hex[:8]}:"
    yield RenderCoalescer(client, prefix)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


class Poison(Exception):
    pass


def test_a_failing_feed_is_recorded_and_never_blocks_the_others(
    coalescer: RenderCoalescer,
) -> None:
    feeds = ["articles", "rates-moves", "source:a", "tag:b", "tag:c"]
    coalescer.mark(feeds, datetime.now(UTC))
    rendered: list[str] = []

    def render(name: str, _stamp: datetime) -> None:
        if name == "rates-moves":
            raise Poison("decimal.InvalidOperation")
        rendered.append(name)

    done = coalescer.drain(render)
    assert done == ["articles", "source:a", "tag:b", "tag:c"]
    assert rendered == done
    # The failing feed stays dirty but is not due: the drain ended, no spin.
    assert coalescer.client.hkeys(coalescer.dirty_key) == [b"rates-moves"]
    assert coalescer.pending() == 0
    wait = coalescer.next_retry_in()
    assert wait is not None and 0 < wait <= FIRST_BACKOFF
    failure = coalescer.failures.get("rates-moves")
    assert failure is not None and failure.count == 1 and "Poison" in failure.error
    # The record is what `silkfeed stats` and /metrics show.
    prefix = coalescer.dirty_key.removesuffix("feeds:dirty")
    listed = failing_feeds(coalescer.client, prefix)
    assert [f["feed"] for f in listed] == ["rates-moves"]
    assert coalescer.client.hget(f"{prefix}feeds:render-failures", "rates-moves") == b"1"

    # Newer changes keep rendering while the poison waits out its backoff.
    coalescer.mark(["articles", "rates-moves"], datetime.now(UTC))
    assert coalescer.drain(render) == ["articles"]
    text = "\n".join(
        as_text(
            {
                "submissions": dict.fromkeys(
                    ("total", "queued", "processing", "done", "failed", "unsent"), 0
                ),
                "articles": 0,
                "tags": 0,
                "snapshots": 0,
                "quotes": 0,
                "rendered_feeds": 0,
                "queues": None,
                "failing_feeds": listed,
                "last_snapshot": None,
            }
        )
    )
    assert "failing feeds   1" in text and "rates-moves: 1 in a row" in text


def test_a_feed_is_retried_after_its_backoff_and_cleared_when_it_renders(
    coalescer: RenderCoalescer,
) -> None:
    coalescer.mark(["tag:x"], datetime.now(UTC))
    broken = True

    def render(name: str, _stamp: datetime) -> None:
        if broken:
            raise Poison("once")

    assert coalescer.drain(render) == []
    failure = coalescer.failures.get("tag:x")
    assert failure is not None
    # Make it due now instead of waiting out the first backoff.
    coalescer.failures.client.hset(
        coalescer.failures.key,
        "tag:x",
        f'{{"count": 1, "error": "x", "failed_at": {time.time() - 10}, '
        f'"retry_at": {time.time() - 1}}}',
    )
    assert coalescer.pending() == 1
    assert coalescer.drain(render) == []
    again = coalescer.failures.get("tag:x")
    assert again is not None and again.count == 2
    assert again.backoff == round(backoff_after(2)) == 2 * FIRST_BACKOFF
    coalescer.failures.client.hset(
        coalescer.failures.key,
        "tag:x",
        f'{{"count": 2, "error": "x", "failed_at": 0, "retry_at": {time.time() - 1}}}',
    )
    broken = False
    assert coalescer.drain(render) == ["tag:x"]
    assert coalescer.failures.get("tag:x") is None
    assert coalescer.client.hlen(coalescer.dirty_key) == 0


def test_transient_errors_are_left_to_the_task_retry(coalescer: RenderCoalescer) -> None:
    coalescer.mark(["articles"], datetime.now(UTC))

    def render(name: str, _stamp: datetime) -> None:
        raise ConnectionError("database away")

    with pytest.raises(ConnectionError):
        coalescer.drain(render, transient=(ConnectionError,))
    assert coalescer.failures.get("articles") is None
    assert coalescer.pending() == 1


def test_the_time_bound_holds_inside_a_round(coalescer: RenderCoalescer) -> None:
    coalescer.mark([f"tag:t{i:03}" for i in range(200)] + ["articles"], datetime.now(UTC))
    rendered: list[str] = []

    def slow(name: str, _stamp: datetime) -> None:
        rendered.append(name)
        time.sleep(0.05)

    t0 = time.monotonic()
    done = coalescer.drain(slow, max_seconds=0.5)
    elapsed = time.monotonic() - t0
    assert done is not None and 3 <= len(done) < 60, len(done or [])
    assert elapsed < 3.0, elapsed
    # The subscription feed went first; the rest stays dirty for the next task.
    assert rendered[0] == "articles"
    assert coalescer.pending() == 201 - len(done)


def test_priority_puts_subscription_feeds_before_rare_ones() -> None:
    names = ["tag:a", "pair:KGS-USD", "rates", "source:z", "articles", "rates-moves"]
    ordered = [n for n, _ in sorted(((n, "") for n in names), key=render_priority)]
    assert ordered == ["articles", "source:z", "rates", "rates-moves", "pair:KGS-USD", "tag:a"]


def test_priority_renders_the_newest_change_first_within_a_kind() -> None:
    dirty = {
        "tag:old": "2026-01-01T10:00:00+00:00",
        "tag:new": "2026-01-01T10:00:05.250000+00:00",
        "tag:mid": "2026-01-01T11:00:01+01:00",  # 10:00:01 UTC
        "articles": "2026-01-01T09:00:00+00:00",
        "tag:unreadable": "yesterday",
    }
    ordered = [n for n, _ in sorted(dirty.items(), key=render_priority)]
    assert ordered == ["articles", "tag:new", "tag:mid", "tag:old", "tag:unreadable"]


def test_the_drain_renders_the_newest_page_first(coalescer: RenderCoalescer) -> None:
    older, newer = datetime(2026, 1, 1, 10, tzinfo=UTC), datetime(2026, 1, 1, 10, 0, 3, tzinfo=UTC)
    coalescer.mark(["tag:kyrgyzstan", "source:a", "articles"], older)
    coalescer.mark(["tag:uzbekistan", "source:b", "articles"], newer)
    rendered: list[str] = []
    done = coalescer.drain(lambda name, _stamp: rendered.append(name))
    assert (
        done == rendered == ["articles", "source:b", "source:a", "tag:uzbekistan", "tag:kyrgyzstan"]
    )


def test_a_name_no_feed_has_fails_alone_in_the_feed_task(
    settings: Settings, session: Session, workers: dict[str, ServiceProcess]
) -> None:
    # A refresh naming no feed (a sender's bug, a hand-made task) among feeds that
    # readers read: those render, it is recorded failing, the task goes on.
    ingest(settings, page("Poison", 1), render=False)
    publish.render_and_store(session, settings, FeedSpec.articles(), formats=("json",))
    before = session.get(RenderedFeed, "articles.json")
    assert before is not None and b"Poison Story" in before.body
    ingest(settings, page("AfterPoison", 1), render=False)
    app = create_celery("silkfeed-test-sender", settings)
    try:
        send(app, contracts.REFRESH_FEEDS,
             {"feeds": ["articles", "tag:", "tag:kazakhstan"], "requested_at": utcnow().isoformat()})
    finally:
        app.close()

    def rendered() -> bool:
        session.expire_all()
        row = session.get(RenderedFeed, "articles.json")
        session.commit()
        return row is not None and b"AfterPoison Story" in row.body

    wait_for(rendered, 30, what="the articles feed rendered beside the bad name")
    client = redis.Redis.from_url(settings.redis_url)
    try:
        failing = wait_for(
            lambda: client.hkeys(RenderFailures(client, settings.key_prefix).key), 30,
            what="the bad name recorded failing",
        )
        assert failing == [b"tag:"]
        client.hdel(RenderFailures(client, settings.key_prefix).key, "tag:")
        client.hdel(f"{settings.key_prefix}feeds:dirty", "tag:")
    finally:
        client.close()
