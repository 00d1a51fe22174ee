"""The outbox relay sends an accepted page's task when it is kicked, at once:
the periodic sweep is only the fallback for a send that failed. A page kicked
while a task is queued already waits in the ingest backlog for that task, and
costs the relay no task message of its own."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy.orm import Session, sessionmaker

from services.ingest import outbox as outbox_module
from services.ingest import request_send
from services.ingest.accept import accept, store
from services.ingest.outbox import Outbox
from shared.backlog import Backlog, backlog_key
from shared.celery_app import create_celery
from shared.contracts import BACKLOG_INGEST, QUEUE_INGEST
from shared.db import make_engine, make_session_factory
from shared.models import Submission
from shared.task_messages import task_messages
from tests.conftest import make_settings
from tests.support.redis_server import RedisServer
from tests.support.waiting import wait_for


def waiting_ids(client: redis.Redis, prefix: str) -> list[str]:
    """The submissions waiting for the ingest worker: in task messages, then in the backlog."""
    queue = prefix + QUEUE_INGEST
    sent = [json.loads(m)["headers"]["submission_id"] for m in client.lrange(queue, 0, -1)]
    backlog = [i.decode() for i in client.lrange(backlog_key(prefix, BACKLOG_INGEST), 0, -1)]
    return sent + backlog


@pytest.fixture
def relay(db_url: str, redis_server: RedisServer, tmp_path: Path) -> Iterator[tuple[Outbox, str]]:
    # A namespace of its own: no shared worker takes the task off the queue.
    settings = make_settings(db_url, redis_server.url, tmp_path, namespace=uuid.uuid4().hex[:10])
    engine = make_engine(db_url)
    # No sweep for an hour: whatever is sent in this test was sent by a kick.
    outbox = Outbox(
        make_session_factory(engine), create_celery("test-kick", settings), sweep_seconds=3600
    )
    outbox.start()
    yield outbox, settings.key_prefix
    outbox.stop()
    client = redis.Redis.from_url(redis_server.url)
    for key in client.scan_iter(f"{settings.key_prefix}*"):
        client.delete(key)
    client.close()
    engine.dispose()


@pytest.fixture
def handles(
    db_url: str, redis_server: RedisServer
) -> Iterator[tuple[sessionmaker[Session], redis.Redis]]:
    """Sessions on the test's database and a client of the test Redis, closed after."""
    engine = make_engine(db_url)
    client = redis.Redis.from_url(redis_server.url)
    yield make_session_factory(engine), client
    client.close()
    engine.dispose()


def roomy_reply_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """Which path sends is what these tests check, not the request's 10 ms bound
    on a Redis reply (test_a_request_does_not_wait_on_an_absent_redis has that):
    on a loaded machine a reply can take longer, and the request would rightly
    leave its send to the relay. Set before the relay opens the connection."""
    monkeypatch.setattr(request_send, "TIMEOUT", 1.0)


def wait_ready_for_a_request(outbox: Outbox, prefix: str) -> None:
    """Until a request may send: the relay has recorded its sends, built the next
    message, and opened the requests' connection, and the quiet moment after a
    send is over (each done by the relay's thread, later on a loaded machine)."""
    wait_for(
        lambda: outbox.pending() == 0
        and task_messages(outbox._celery, prefix).ready()
        and outbox._direct.backlog() is not None,
        timeout=5,
        what="the relay ready for a request's send",
    )


def test_a_kicked_submission_is_sent_at_once_without_waiting_for_the_sweep(
    relay: tuple[Outbox, str], handles: tuple[sessionmaker[Session], redis.Redis]
) -> None:
    outbox, prefix = relay
    sessions, client = handles
    sids: list[str] = []
    for n in range(3):
        with sessions() as session:
            sid = accept(session, f"Page {n}\n\nText.".encode(), "text/plain", "t", None)
            sids.append(sid.submission.id)
        t0 = time.monotonic()
        outbox.kick(sids[-1])
        wait_for(
            lambda n=n: len(waiting_ids(client, prefix)) == n + 1,
            timeout=5,
            interval=0.005,
            what="the kicked page handed to the ingest worker",
        )
        assert time.monotonic() - t0 < 2.0

        def recorded(sid: str = sids[-1]) -> bool:
            with sessions() as session:
                sub = session.get(Submission, sid)
                return sub is not None and sub.sent_at is not None

        # Recorded sent right after the publish, in one UPDATE for the pass.
        wait_for(recorded, timeout=5, interval=0.005, what="the row recorded sent")
    # One task for the three (none was taken meanwhile): the others wait in the
    # backlog for it, in the order they came.
    assert client.llen(prefix + QUEUE_INGEST) == 1
    assert waiting_ids(client, prefix) == sids
    # A second kick of a row this relay sent sends nothing.
    outbox.kick(sids[-1])
    time.sleep(0.3)
    assert waiting_ids(client, prefix) == sids
    assert outbox.pending() == 0


def test_pages_kicked_while_redis_is_away_are_each_sent_once_when_it_is_back(
    db_url: str, tmp_path: Path
) -> None:
    """While Redis is away the kicked rows stay unsent; once it is back each is
    sent exactly once, whether by the kick (still retrying its connection) or by
    the sweep (the rows are older than the grace period), never by both."""
    server = RedisServer(tmp_path / "redis")
    server.start()
    settings = make_settings(db_url, server.url, tmp_path, namespace=uuid.uuid4().hex[:10])
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    outbox = Outbox(
        sessions,
        create_celery("test-outage", settings),
        sweep_seconds=0.2,
        grace=timedelta(seconds=1),
    )
    outbox.start()
    try:
        server.stop()
        sids = []
        for n in range(3):
            with sessions() as session:
                sids.append(
                    accept(
                        session, f"Away {n}\n\nText.".encode(), "text/plain", "t", None
                    ).submission.id
                )
            outbox.kick(sids[-1])
        # The kicks fail at once; past the grace the sweeps claim the rows, fail to
        # publish and let go of them again.
        time.sleep(1.5)
        server.start()
        client = redis.Redis.from_url(server.url)
        prefix = settings.key_prefix
        wait_for(lambda: len(waiting_ids(client, prefix)) == 3, timeout=10, what="the three sends")
        # Recorded sent within the relay's next record (0.1 s), before any sweep.
        wait_for(lambda: outbox.pending() == 0, timeout=5, what="the sends recorded")
        time.sleep(0.6)  # more sweeps: nothing is sent twice
        assert sorted(waiting_ids(client, prefix)) == sorted(sids)
        client.close()
    finally:
        outbox.stop()
        server.stop()
        engine.dispose()


def test_a_burst_builds_no_message_for_pages_that_join_a_queued_task(
    relay: tuple[Outbox, str],
    handles: tuple[sessionmaker[Session], redis.Redis],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outbox, prefix = relay
    built: list[str] = []
    real = outbox_module.task_messages

    class Counting:
        def __init__(self, *args: object) -> None:
            self.messages = real(*args)  # type: ignore[arg-type]

        def build(self, name: str, payload: dict[str, str], **options: object) -> object:
            built.append(payload["submission_id"])
            return self.messages.build(name, payload, **options)

    monkeypatch.setattr(outbox_module, "task_messages", Counting)
    sessions, client = handles
    with sessions() as session:
        a, b, c, d, e = (
            accept(session, f"Burst {n}\n\nText.".encode(), "text/plain", "t", None).submission.id
            for n in range(5)
        )

    def queued() -> list[str]:
        messages = client.lrange(prefix + QUEUE_INGEST, 0, -1)
        return [json.loads(m)["headers"]["submission_id"] for m in messages]

    # Sent here, not by the relay's thread: each pass is over when it returns.
    outbox.send_kicked([a])  # the task goes out, its message pushed by the offer
    outbox.send_kicked([b])  # a task is queued: b waits for it
    assert built == [a, b]
    # The worker takes what waits; no task is queued now, so c's try to join
    # changes nothing and c is offered with its message, which goes out.
    backlog = Backlog(client, prefix, BACKLOG_INGEST, held_ttl=60)
    assert backlog.take("worker-task", 15).new == [b]
    outbox.send_kicked([c])
    assert built == [a, b, c]
    assert queued() == [c, a]
    # Right after a kick was won, offers carry a message again; once one finds
    # a task queued, the next ids join it without one.
    outbox.send_kicked([d])
    outbox.send_kicked([e])
    assert built == [a, b, c, d]
    assert queued() == [c, a]
    assert waiting_ids(client, prefix) == [c, a, d, e]


def test_a_lone_page_is_sent_from_the_request_once_the_relay_has_sent(
    relay: tuple[Outbox, str],
    handles: tuple[sessionmaker[Session], redis.Redis],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outbox, prefix = relay
    sessions, client = handles
    roomy_reply_bound(monkeypatch)

    def new_page(n: int) -> str:
        with sessions() as session:
            body = f"Alone {n}\n\nText.".encode()
            return accept(session, body, "text/plain", "t", None).submission.id

    first = new_page(0)
    assert not outbox.send_now(first)  # the relay has not sent yet: its kick sends
    outbox.kick(first)
    wait_for(lambda: waiting_ids(client, prefix) == [first], timeout=5, what="the relay's send")
    client.delete(prefix + QUEUE_INGEST, f"{prefix}backlog:ingest:kick")  # as if it ran
    outbox._queued_until = 0.0  # no burst: the task sent is done
    wait_ready_for_a_request(outbox, prefix)

    second = new_page(1)
    assert outbox.send_now(second)
    # Queued before the call returned, with no kick.
    assert waiting_ids(client, prefix) == [second]
    assert not outbox.send_now(new_page(2))  # a page right after is left to the relay
    outbox.kick(second)  # the kick after the answer sends nothing again
    time.sleep(0.3)
    assert waiting_ids(client, prefix) == [second]
    assert outbox.pending() == 0  # and the relay recorded it sent


def test_a_request_does_not_wait_on_an_absent_redis(db_url: str, tmp_path: Path) -> None:
    server = RedisServer(tmp_path / "redis")
    server.start()
    settings = make_settings(db_url, server.url, tmp_path, namespace=uuid.uuid4().hex[:10])
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    outbox = Outbox(sessions, create_celery("test-now", settings))
    try:
        with sessions() as session:
            sid = accept(session, b"Earlier\n\nText.", "text/plain", "t", None).submission.id
        assert outbox.send_kicked([sid]) == 1  # the relay has sent
        server.stop()
        t0 = time.monotonic()
        assert not outbox.send_now("a-page")
        assert time.monotonic() - t0 < 0.5
        # Requests then leave sends to the relay for a while, without trying.
        assert not outbox.send_now("another")
        assert outbox._direct.paused
    finally:
        outbox.stop()
        engine.dispose()


def test_a_lone_pages_task_message_is_built_before_the_page_comes(
    relay: tuple[Outbox, str],
    handles: tuple[sessionmaker[Session], redis.Redis],
    monkeypatch: pytest.MonkeyPatch,
    db_url: str,
) -> None:
    """Once its sends are recorded, the relay builds the next page's id and task
    message; the request that stores a page under that id sends it as built."""
    roomy_reply_bound(monkeypatch)
    outbox, prefix = relay
    sessions, client = handles
    with sessions() as session:
        first = accept(session, b"Ahead 0\n\nText.", "text/plain", "t", None).submission.id
    outbox.kick(first)
    wait_for(lambda: outbox._ahead.ready, timeout=5, what="the next page's message")
    client.delete(prefix + QUEUE_INGEST, f"{prefix}backlog:ingest:kick")  # as if it ran
    outbox._queued_until = 0.0
    wait_ready_for_a_request(outbox, prefix)
    built: list[str] = []
    real = outbox_module.task_messages

    class Counting:
        def __init__(self, *args: object) -> None:
            self.messages = real(*args)  # type: ignore[arg-type]
            self.ready = self.messages.ready

        def build(self, name: str, payload: dict[str, str], **options: object) -> object:
            built.append(payload["submission_id"])
            return self.messages.build(name, payload, **options)

    monkeypatch.setattr(outbox_module, "task_messages", Counting)
    sid = outbox.new_id()
    assert outbox.new_id() != sid  # each id is handed out once
    engine = make_engine(db_url)
    fields, created = store(engine, b"Ahead 1\n\nText.", "text/plain", "t", None, new_id=sid)
    engine.dispose()
    assert created and fields["id"] == sid
    assert outbox.send_now(sid)
    assert built == []
    (message,) = client.lrange(prefix + QUEUE_INGEST, 0, -1)
    assert json.loads(message)["headers"]["submission_id"] == sid
    assert waiting_ids(client, prefix) == [sid]
