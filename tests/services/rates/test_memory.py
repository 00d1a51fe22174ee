"""/api/v1/rates/latest from the feed process's copy, on SQLite and PostgreSQL: the
same answers as from the database, dropped when the rates worker announces a new
snapshot (or at the next sweep when that announcement is lost), never kept from a
read that raced a change, and never holding a problem."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from services.feed.app import create_app
from services.feed.memory import FeedMemory, _announced
from services.rates import api as rates_api
from services.rates.http import Answer
from services.rates.memory import LatestRatesMemory
from shared import contracts
from shared.celery_app import create_celery, send
from shared.changes import LATEST_RATES, changes_channel
from shared.settings import Settings
from tests.services.rates.test_api import HISTORY, T0, store
from tests.support.processes import ServiceProcess
from tests.support.waiting import wait_for

LATEST = "/api/v1/rates/latest"
# A day after the history's newest snapshot, with values none of it has.
NEWER = (
    T0 + timedelta(days=3),
    [("KGS", "USD", "0.01150", "0.5%"), ("KZT", "USD", "0.00195", "1.6%")],
)
QUERIES = [
    "",
    "?format=csv",
    "?pairs=TMT-USD,UZS-USD",
    "?base=USD&symbols=KZT,UZS&amount=100",
    "?base=KZT&symbols=KGS&format=csv",
    "?amount=1",
]


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    app = create_app(settings, watch_changes=False)
    yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def ids(settings: Settings) -> list[int]:
    return store(settings.db_url, HISTORY)


def held(app: Flask) -> LatestRatesMemory:
    return app.extensions["silkfeed"]["latest_rates"]  # type: ignore[no-any-return]


def feed_memory(app: Flask) -> FeedMemory:
    return app.extensions["silkfeed"]["memory"]  # type: ignore[no-any-return]


def latest_id(client: FlaskClient, query: str = "") -> int:
    resp = client.get(LATEST + query)
    assert resp.status_code == 200, resp.data
    return resp.get_json()["snapshot_id"]  # type: ignore[no-any-return]


def test_the_copy_is_served_until_a_change_is_announced(
    app: Flask, client: FlaskClient, ids: list[int], settings: Settings
) -> None:
    first = client.get(LATEST)
    assert first.get_json()["snapshot_id"] == ids[-1] and len(held(app)) == 1
    (newer,) = store(settings.db_url, [NEWER])  # stored, not announced
    again = client.get(LATEST)
    assert (again.data, again.headers["ETag"]) == (first.data, first.headers["ETag"])
    # What the rates worker's announcement does in a running service.
    feed_memory(app).forget([LATEST_RATES])
    assert latest_id(client) == newer


def test_held_answers_are_the_databases_byte_for_byte(
    client: FlaskClient, ids: list[int], settings: Settings
) -> None:
    uncached = create_app(
        settings.model_copy(update={"rates_latest_entries": 0}), watch_changes=False
    ).test_client()
    for query in QUERIES:
        client.get(LATEST + query)  # the miss that fills the copy
        hit, direct = client.get(LATEST + query), uncached.get(LATEST + query)
        assert hit.status_code == direct.status_code == 200, query
        assert hit.data == direct.data, query
        for header in ("ETag", "Cache-Control", "Content-Type", "Content-Disposition"):
            assert hit.headers.get(header) == direct.headers.get(header), (query, header)


def test_one_entry_per_distinct_answer(app: Flask, client: FlaskClient, ids: list[int]) -> None:
    a = client.get(f"{LATEST}?base=USD&symbols=KZT,UZS")
    b = client.get(f"{LATEST}?symbols=kzt,uzs&utm_source=x&base=usd&format=JSON")
    assert a.data == b.data and len(held(app)) == 1
    # Equal amounts written differently answer differently ("100" and "100.0").
    whole = client.get(f"{LATEST}?amount=100").get_json()
    decimal = client.get(f"{LATEST}?amount=100.0").get_json()
    assert (whole["amount"], decimal["amount"]) == ("100", "100.0") and len(held(app)) == 3
    # Same values, another order: another answer.
    reordered = client.get(f"{LATEST}?base=USD&symbols=UZS,KZT")
    assert list(reordered.get_json()["rates"]) == ["UZS", "KZT"] and len(held(app)) == 4


def test_etag_and_304_from_the_copy(app: Flask, client: FlaskClient, ids: list[int]) -> None:
    for query in ("", "?format=csv"):
        first = client.get(LATEST + query)
        etag = first.headers["ETag"]
        hit = client.get(LATEST + query, headers={"If-None-Match": etag})
        assert hit.status_code == 304 and hit.data == b""
        assert hit.headers["ETag"] == etag
        assert (
            hit.headers["Cache-Control"] == first.headers["Cache-Control"] == "public, max-age=300"
        )
        other = client.get(LATEST + query, headers={"If-None-Match": '"other"'})
        assert other.status_code == 200 and other.data == first.data
    # A cold process answers a conditional request with 304 and still keeps the
    # whole answer for the next client that has none.
    etag = client.get(LATEST).headers["ETag"]
    cold = create_app(app.extensions["silkfeed"]["settings"], watch_changes=False)
    cold_client = cold.test_client()
    assert cold_client.get(LATEST, headers={"If-None-Match": etag}).status_code == 304
    assert len(held(cold)) == 1
    full = cold_client.get(LATEST)
    assert full.status_code == 200 and full.headers["ETag"] == etag and full.data


def test_no_snapshot_yet_is_not_held(app: Flask, client: FlaskClient, settings: Settings) -> None:
    assert client.get(LATEST).status_code == 404
    assert len(held(app)) == 0
    ids = store(settings.db_url, HISTORY)  # not announced: only a held 404 would hide it
    assert latest_id(client) == ids[-1]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?base=US", 422),
        ("?format=xml", 422),
        ("?amount=-5", 422),
        ("?pairs=KGS-USD&base=USD", 422),
        ("?base=EUR", 404),
        ("?symbols=KZT,XAU", 404),
        ("?pairs=USD-KGS", 404),
    ],
)
def test_problems_are_not_held(
    app: Flask, client: FlaskClient, ids: list[int], query: str, status: int
) -> None:
    for _ in range(2):
        resp = client.get(LATEST + query)
        assert resp.status_code == status and resp.mimetype == "application/problem+json"
    assert len(held(app)) == 0


def test_an_unknown_currency_is_answered_once_it_is_quoted(
    client: FlaskClient, ids: list[int], settings: Settings
) -> None:
    assert client.get(f"{LATEST}?base=EUR").status_code == 404
    (newer,) = store(settings.db_url, [(NEWER[0], [("EUR", "USD", "1.08", "0%")])])
    doc = client.get(f"{LATEST}?base=EUR&symbols=USD").get_json()
    assert doc["snapshot_id"] == newer and doc["rates"] == {"USD": "1.08"}


def test_a_read_racing_an_announcement_is_not_kept(
    app: Flask,
    client: FlaskClient,
    ids: list[int],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = rates_api.latest_quotes
    newer: list[int] = []

    def racing(session):  # type: ignore[no-untyped-def]
        snap = real(session)
        newer.extend(store(settings.db_url, [NEWER]))  # the worker commits meanwhile…
        feed_memory(app).forget([LATEST_RATES])  # …and its announcement arrives
        return snap

    monkeypatch.setattr(rates_api, "latest_quotes", racing)
    assert latest_id(client) == ids[-1]  # current when it was read
    monkeypatch.undo()
    assert len(held(app)) == 0
    assert latest_id(client) == newer[0]


def test_a_read_racing_a_sweep_that_sees_a_change_is_not_kept(
    app: Flask, ids: list[int], settings: Settings
) -> None:
    memory = held(app)
    feed_memory(app)._sweep()  # the first look
    generation = memory.generation  # a request starts reading ids[-1]…
    store(settings.db_url, [NEWER])
    feed_memory(app)._sweep()  # …a sweep sees the new snapshot…
    memory.put("k", Answer.of(b"{}", "application/json"), ids[-1], generation)  # …then it ends
    assert memory.get("k") is None


def test_the_sweep_drops_the_copy_when_a_new_snapshot_was_not_announced(
    app: Flask, client: FlaskClient, ids: list[int], settings: Settings
) -> None:
    feed_memory(app)._sweep()
    client.get(LATEST)
    feed_memory(app)._sweep()
    assert len(held(app)) == 1  # nothing new: kept
    (newer,) = store(settings.db_url, [NEWER])
    feed_memory(app)._sweep()
    assert len(held(app)) == 0
    assert latest_id(client) == newer


def test_the_sweep_sees_an_older_page_that_brings_a_pairs_newer_quote(
    app: Flask, client: FlaskClient, ids: list[int], settings: Settings
) -> None:
    # Observed before the newest snapshot, it is not the newest, yet its pair's
    # last quote was older still: latest answers with it once it is stored.
    late = (T0 + timedelta(days=1, hours=18), [("TRY", "USD", "0.02900", "0%")])
    feed_memory(app)._sweep()
    assert "TRY/USD" not in {r["pair"] for r in client.get(LATEST).get_json()["rates"]}
    store(settings.db_url, [late])  # never announced
    feed_memory(app)._sweep()
    assert len(held(app)) == 0
    doc = client.get(LATEST).get_json()
    assert doc["snapshot_id"] == ids[-1]
    assert [r["rate"] for r in doc["rates"] if r["pair"] == "TRY/USD"] == ["0.02900"]


def test_a_lost_announcement_is_made_up_for_within_the_poll_interval(
    settings: Settings, ids: list[int]
) -> None:
    app = create_app(settings)  # with the watcher, which sweeps once a second
    try:
        client = app.test_client()
        assert latest_id(client) == ids[-1]
        (newer,) = store(settings.db_url, [NEWER])  # never announced
        started = time.monotonic()
        # The poll interval, and slack for a busy machine.
        wait_for(lambda: latest_id(client) == newer, 2.5, what="the sweep")
        assert time.monotonic() - started < 2.5
    finally:
        feed_memory(app).stop()


def test_a_snapshot_stored_by_the_worker_is_served_once_announced(
    settings: Settings,
    ids: list[int],
    workers: dict[str, ServiceProcess],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The real rates worker stores and announces; with the sweep turned off, only
    the announcement can make the new snapshot visible."""
    app = create_app(settings)
    monkeypatch.setattr(held(app), "sweep", lambda session: None)
    listener = redis.Redis.from_url(settings.redis_url)
    sender = create_celery("silkfeed-test-sender", settings)
    try:
        client = app.test_client()
        assert latest_id(client) == ids[-1]
        channel = changes_channel(settings.key_prefix)
        pubsub = listener.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(channel)
        # The app's watcher subscribes from its thread: make sure it listens too.
        wait_for(lambda: listener.pubsub_numsub(channel)[0][1] >= 2, 5, what="the watcher")
        at, quotes = NEWER
        send(
            sender,
            contracts.STORE_SNAPSHOT,
            {
                "submission_id": uuid.uuid4().hex,
                "observed_at": at.isoformat(),
                "source": "worker-test",
                "quotes": [
                    {"base": b, "quote": q, "rate": r, "change": c} for b, q, r, c in quotes
                ],
            },
        )

        def announced() -> bool:
            message = pubsub.get_message(timeout=0.5)
            return message is not None and LATEST_RATES in json.loads(message["data"])

        wait_for(announced, 30, interval=0, what="the rates worker's announcement")
        # Dropped as the watcher reads the message: no database look involved.
        shown = wait_for(
            lambda: (doc := client.get(LATEST).get_json())["snapshot_id"] != ids[-1] and doc,
            2,
            what="the new snapshot in latest",
        )
        new = [r["rate"] for r in shown["rates"] if r["snapshot_id"] == shown["snapshot_id"]]
        assert new == ["0.01150", "0.00195"]
        pubsub.close()
    finally:
        feed_memory(app).stop()
        sender.close()
        listener.close()


def test_the_copy_is_bounded_least_recently_used_first() -> None:
    memory = LatestRatesMemory(max_entries=2)
    answers = {k: Answer.of(k.encode(), "application/json") for k in "abc"}
    for k in "ab":
        memory.put(k, answers[k], 1, memory.generation)
    memory.get("a")  # now b is the least recently used
    memory.put("c", answers["c"], 1, memory.generation)
    assert (memory.get("a"), memory.get("b"), memory.get("c")) == (answers["a"], None, answers["c"])


def test_a_size_of_zero_holds_nothing(settings: Settings, ids: list[int]) -> None:
    app = create_app(settings.model_copy(update={"rates_latest_entries": 0}), watch_changes=False)
    client = app.test_client()
    assert latest_id(client) == ids[-1]
    (newer,) = store(settings.db_url, [NEWER])
    assert latest_id(client) == newer and len(held(app)) == 0


def test_feed_announcements_leave_the_copy_alone(
    app: Flask, client: FlaskClient, ids: list[int]
) -> None:
    client.get(LATEST)
    feed_memory(app).forget(["rates.atom", "pair:KGS-USD.rss"])
    assert len(held(app)) == 1


def test_a_failing_sweep_drops_the_copy(
    app: Flask, client: FlaskClient, ids: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without the database the sweep cannot tell a lost announcement; the
    # copy is dropped rather than served stale for as long as that lasts.
    client.get(LATEST)
    assert len(held(app)) == 1
    memory = feed_memory(app)

    def unreachable() -> None:
        raise OSError("database unreachable")

    monkeypatch.setattr(memory, "_sessions", unreachable)
    memory._sweep()
    assert len(held(app)) == 0


@pytest.mark.parametrize("data", [b"5", b"null", b"[1]", b'{"a": 1}', b"not json"])
def test_a_malformed_announcement_is_ignored(
    app: Flask, client: FlaskClient, ids: list[int], data: bytes
) -> None:
    client.get(LATEST)
    feed_memory(app).forget(_announced(data)[0])
    assert len(held(app)) == 1
    assert _announced(json.dumps([LATEST_RATES]).encode())[0] == [LATEST_RATES]


def test_the_watcher_outlives_a_malformed_announcement(settings: Settings, ids: list[int]) -> None:
    app = create_app(settings)
    try:
        client = app.test_client()
        assert latest_id(client) == ids[-1]
        channel = changes_channel(settings.key_prefix)
        with redis.Redis.from_url(settings.redis_url) as publisher:
            wait_for(lambda: publisher.pubsub_numsub(channel)[0][1] > 0, 5, what="the watcher")
            publisher.publish(channel, b"[1]")
            (newer,) = store(settings.db_url, [NEWER])
            publisher.publish(channel, json.dumps([LATEST_RATES]))
        # Served anew within the poll interval only if the watcher lives on.
        wait_for(lambda: latest_id(client) == newer, 5, what="the announcement after it")
        assert feed_memory(app)._thread is not None and feed_memory(app)._thread.is_alive()
    finally:
        feed_memory(app).stop()
