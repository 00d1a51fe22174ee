"""The real rates task in real worker processes: a snapshot delivered twice is stored
once, and a worker killed mid-burst loses and doubles nothing."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from services.feed.app import create_app
from shared import contracts
from shared.celery_app import SilkfeedCelery, create_celery, send
from shared.db import make_engine, utcnow
from shared.models import RateQuote, RateSnapshot, RenderedFeed
from shared.settings import Settings
from tests.conftest import make_settings, settings_env
from tests.support.processes import ServiceProcess
from tests.support.redis_server import RedisServer
from tests.support.waiting import wait_for

TICKER = [
    ("KGS", "USD", "0.01144", "0%"),
    ("KZT", "USD", "0.00192", "-0%"),
    ("TJS", "USD", "0.10895", "-0%"),
    ("UZS", "USD", "0.00008", "0%"),
    ("TMT", "USD", "0.28490", "0%"),
]
# Small limits for the worker this file starts, so a killed worker's tasks come
# back within seconds: Redis hands an unacknowledged message out again once it
# is older than the visibility timeout, which must exceed the task time limit.
TIME_LIMIT = 10
VISIBILITY = 11
# Long enough that the worker is still on it when the test has seen 20 stored
# (each look opens a connection, which on a loaded machine takes longer than
# several snapshots' stores) and kills it.
BURST = 400


def payload(at: datetime, sid: str) -> contracts.StoreSnapshot:
    return {
        "submission_id": sid,
        "observed_at": at.isoformat(),
        "source": "worker-test",
        "quotes": [{"base": b, "quote": q, "rate": r, "change": c} for b, q, r, c in TICKER],
    }


def counts(db_url: str) -> tuple[int, int]:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        result = (
            conn.scalar(select(func.count()).select_from(RateSnapshot)) or 0,
            conn.scalar(select(func.count()).select_from(RateQuote)) or 0,
        )
    engine.dispose()
    return result


@pytest.fixture
def sender(settings: Settings) -> Iterator[SilkfeedCelery]:
    app = create_celery("silkfeed-test-sender", settings)
    yield app
    app.close()


def test_the_task_run_twice_stores_one_snapshot(
    settings: Settings, workers: dict[str, ServiceProcess], sender: SilkfeedCelery
) -> None:
    # A time no other test uses, so the worker's log lines are this test's own.
    at = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(seconds=uuid.uuid4().int % 10**8)
    message = payload(at, uuid.uuid4().hex)
    send(sender, contracts.STORE_SNAPSHOT, message)
    send(sender, contracts.STORE_SNAPSHOT, message)

    log = workers["rates-worker"]

    def both_ran() -> bool:
        lines = [ln for ln in log.log_tail(2000).splitlines() if f"for {at.isoformat()}:" in ln]
        return len(lines) == 2

    wait_for(both_ran, 30, what="both runs of the task")
    lines = [ln for ln in log.log_tail(2000).splitlines() if f"for {at.isoformat()}:" in ln]
    assert sum("already stored" in ln for ln in lines) == 1, lines
    assert counts(settings.db_url) == (1, 5)
    latest = create_app(settings, watch_changes=False).test_client().get("/api/v1/rates/latest")
    assert [(r["pair"], r["rate"], r["change"]) for r in latest.get_json()["rates"]] == [
        (f"{b}/{q}", r, c) for b, q, r, c in TICKER
    ]


@pytest.fixture
def own(settings: Settings, redis_server: RedisServer, tmp_path: Path) -> Iterator[Settings]:
    """Settings for this test's own workers: a namespace of their own on the shared
    Redis, so the session's shared workers never take (or see) these tasks."""
    mine = make_settings(
        settings.db_url,
        redis_server.url,
        tmp_path,
        namespace=f"rates-kill-{uuid.uuid4().hex[:8]}",
        task_time_limit=TIME_LIMIT,
        visibility_timeout=VISIBILITY,
    )
    yield mine
    client = redis.Redis.from_url(redis_server.url)
    keys = list(client.scan_iter(f"{mine.key_prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_a_worker_killed_mid_burst_stores_each_snapshot_once(own: Settings, tmp_path: Path) -> None:
    """kill -9 a rates worker (its whole process group) while it holds tasks; a fresh
    worker gets them again once the visibility timeout passes, and the sender sends
    the whole burst a second time (as an upstream retry would). Every snapshot ends
    up stored exactly once.

    The second sending also covers a gap of the Redis transport: a worker killed
    between popping a message and recording it as unacknowledged loses it.
    """
    env = settings_env(own)
    env.update(
        {
            "SILKFEED_NAMESPACE": own.namespace,
            "SILKFEED_TASK_TIME_LIMIT": str(TIME_LIMIT),
            "SILKFEED_VISIBILITY_TIMEOUT": str(VISIBILITY),
        }
    )
    t0 = datetime(2021, 1, 1, tzinfo=UTC)
    burst = [payload(t0 + timedelta(hours=i), f"burst{i}") for i in range(BURST)]
    client = redis.Redis.from_url(own.redis_url)
    unacked = f"{own.key_prefix}unacked"

    def settled() -> bool:
        queued = sum(client.llen(k) for k in client.scan_iter(f"{own.key_prefix}rates*"))
        return counts(own.db_url)[0] == BURST and queued == 0 and client.hlen(unacked) == 0

    started = []
    try:
        (tmp_path / "first").mkdir()
        first = ServiceProcess("rates-worker", env, tmp_path / "first").start()
        started.append(first)
        first.wait_ready(60)
        app = create_celery("silkfeed-test-burst", own)
        for message in burst:
            send(app, contracts.STORE_SNAPSHOT, message)

        # Killed as soon as Redis shows it holding a task: waiting for snapshots to
        # be stored (a database look each time) let a fast machine store the whole
        # burst first, and the kill then found nothing held.
        wait_for(lambda: client.hlen(unacked) > 0, 60, 0.001, what="the worker holding a task")
        first.kill_group()
        # What the dead worker held: messages Redis still counts as unacknowledged.
        held = [json.loads(raw)[0]["headers"]["id"] for raw in client.hvals(unacked)]
        assert held, "the killed worker held no task"
        assert counts(own.db_url)[0] < BURST

        (tmp_path / "second").mkdir()
        second = ServiceProcess("rates-worker", env, tmp_path / "second").start()
        started.append(second)
        second.wait_ready(60)
        for message in burst:
            send(app, contracts.STORE_SNAPSHOT, message)
        app.close()
        wait_for(settled, VISIBILITY + 60, 0.1, what="the burst stored, every message acked")
        # The messages the killed worker held came back and ran to the end (the
        # log line follows the acknowledgement, so wait for it too).
        log_path = tmp_path / "second" / "rates-worker.log"
        wait_for(
            lambda: all(
                f"rates.store_snapshot[{t}] succeeded" in log_path.read_text() for t in held
            ),
            30,
            0.1,
            what="the held tasks' success in the log",
        )
    finally:
        client.close()
        for proc in started:
            proc.kill_group()

    assert counts(own.db_url) == (BURST, BURST * len(TICKER))
    engine = make_engine(own.db_url)
    with engine.connect() as conn:
        times = conn.scalars(select(RateSnapshot.observed_at).order_by(RateSnapshot.observed_at))
        assert list(times) == [t0 + timedelta(hours=i) for i in range(BURST)]
    engine.dispose()


def test_the_feed_worker_renders_the_pair_and_moves_feeds(
    settings: Settings, workers: dict[str, ServiceProcess], sender: SilkfeedCelery
) -> None:
    day = datetime(2019, 6, 1, tzinfo=UTC)
    before = payload(day, "move-1")
    after = payload(day + timedelta(days=1), "move-2")
    after["quotes"][0]["rate"] = "0.01160"  # KGS/USD +1.40%, beyond the 0.5% default
    send(sender, contracts.STORE_SNAPSHOT, before)
    wait_for(lambda: counts(settings.db_url)[0] == 1, 30, what="the first snapshot")
    # A reader asks for both feeds (the worker keeps current what readers read).
    reader = create_app(settings, watch_changes=False).test_client()
    for path in ("/feeds/rates-moves.rss", "/feeds/rates/KGS-USD.rss"):
        assert reader.get(path).status_code == 200
    send(sender, contracts.STORE_SNAPSHOT, after)
    wait_for(lambda: counts(settings.db_url)[0] == 2, 30, what="both snapshots")
    # The names a rate feed refresh carries for these feeds.
    send(
        sender,
        contracts.REFRESH_FEEDS,
        {"feeds": ["rates-moves", "pair:KGS-USD"], "requested_at": utcnow().isoformat()},
    )
    engine = make_engine(settings.db_url)

    def rendered(key: str) -> bytes | None:
        with engine.connect() as conn:
            return conn.scalar(select(RenderedFeed.body).where(RenderedFeed.key == key))

    # A render set off by the first snapshot alone may be there first: wait for
    # the one that holds both.
    moves = wait_for(
        lambda: (doc := rendered("rates-moves.rss")) and b"<item>" in doc and doc,
        30,
        what="the moves feed with its move",
    )
    pair = wait_for(
        lambda: (doc := rendered("pair:KGS-USD.rss")) and doc.count(b"<item>") == 2 and doc,
        30,
        what="the KGS/USD feed with both days",
    )
    engine.dispose()
    assert b"<title>KGS/USD up 1.40% to 0.01160, 2019-06-02</title>" in moves
    assert moves.count(b"<item>") == 1
    assert b'<cb:value decimals="5">0.01160</cb:value>' in pair
    assert pair.count(b"<item>") == 2
