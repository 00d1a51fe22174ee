"""What an ingest batch does when its task is run again or stopped, run in this
process on a real Redis and database: a rerun runs what it held again, counting
each page as it starts; a hard time limit fails the page that was running and
gives the others back. And what a batch sends on: its feeds at once, its
snapshots a moment later."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from celery import Celery
from celery.exceptions import TimeLimitExceeded
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import services.ingest.tasks  # noqa: F401 - declares the task
from services.ingest import batch
from services.ingest.accept import accept
from shared import contracts
from shared.backlog import Backlog
from shared.models import Article, Submission
from tests.conftest import SAMPLE, make_settings
from tests.support.celery_apps import namespaced_app
from tests.support.redis_server import RedisServer
from tests.support.refresh_stack import recorded_requests


@pytest.fixture
def app(
    db_url: str, redis_server: RedisServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Celery]:
    # However slow the machine, each batch here runs whole.
    monkeypatch.setattr(batch, "BATCH_SECONDS", 60.0)
    # A namespace of its own: no shared worker takes what this test queues.
    settings = make_settings(db_url, redis_server.url, tmp_path, namespace=uuid.uuid4().hex[:10])
    with namespaced_app("test-batch-reruns", settings) as celery:
        yield celery


def backlog_of(app: Celery) -> Backlog:
    resources = app.resources  # type: ignore[attr-defined]
    return Backlog.of(resources.redis.get(), resources.settings, contracts.BACKLOG_INGEST)


def new_page(session: Session, n: int) -> str:
    body = f"Headline Number {n} Is Here\n\nA first paragraph of story {n}.".encode()
    return accept(session, body, "text/plain", "reruns", None).submission.id


def run_once(session: Session, states: dict[str, str]) -> None:
    """Each submission as a run of it left it: ``status``, one attempt counted."""
    for sid, status in states.items():
        sub = session.get(Submission, sid)
        assert sub is not None
        sub.status, sub.attempts = status, 1
    session.commit()


def test_a_rerun_runs_what_it_held_and_counts_each_page_as_it_starts(
    app: Celery, session: Session
) -> None:
    own, done_before, not_run = (new_page(session, n) for n in range(3))
    # An earlier run held two pages, counted all three, finished one and died.
    run_once(session, {own: "processing", done_before: "done", not_run: "processing"})
    backlog = backlog_of(app)
    backlog.client.rpush(backlog.list_key, done_before, not_run)
    assert backlog.take(own, 2).new == [done_before, not_run]  # held under its own id

    app.tasks[contracts.PROCESS_SUBMISSION](submission_id=own)

    session.expire_all()
    subs = {sid: session.get(Submission, sid) for sid in (own, done_before, not_run)}
    assert {sid: (s.status, s.attempts) for sid, s in subs.items() if s} == {
        own: ("done", 2),
        done_before: ("done", 2),  # run again: its follow-ups may never have gone out
        not_run: ("done", 2),
    }
    assert backlog.held(own) == []


def test_a_fresh_batch_counts_its_pages_at_once_and_skips_those_done_meanwhile(
    app: Celery, session: Session
) -> None:
    own, waiting, done_meanwhile = (new_page(session, n) for n in range(3))
    sub = session.get(Submission, done_meanwhile)
    assert sub is not None
    sub.status, sub.attempts = "done", 1  # the sweep sent it and it ran
    session.commit()
    backlog = backlog_of(app)
    backlog.client.rpush(backlog.list_key, waiting, done_meanwhile)

    app.tasks[contracts.PROCESS_SUBMISSION](submission_id=own)

    session.expire_all()
    got = {sid: session.get(Submission, sid) for sid in (own, waiting, done_meanwhile)}
    assert {sid: (s.status, s.attempts) for sid, s in got.items() if s} == {
        own: ("done", 1),
        waiting: ("done", 1),
        done_meanwhile: ("done", 1),
    }
    assert backlog.depth() == 0


def test_a_hard_time_limit_fails_the_running_page_and_gives_back_the_rest(
    app: Celery, session: Session
) -> None:
    own, stopped, after = (new_page(session, n) for n in range(3))
    run_once(session, {own: "done", stopped: "processing", after: "processing"})
    backlog = backlog_of(app)
    backlog.client.rpush(backlog.list_key, stopped, after)
    backlog.take("task-1", 2)

    task = app.tasks[contracts.PROCESS_SUBMISSION]
    task.on_failure(TimeLimitExceeded(300), "task-1", (), {"submission_id": own}, None)
    # The worker's main process forks the replacement child next: no connection held.
    assert app.resources.engine.pool.checkedin() == 0  # type: ignore[attr-defined]

    session.expire_all()
    failed = session.get(Submission, stopped)
    assert failed is not None and failed.status == "failed"
    assert "hard time limit" in (failed.error or "")
    still = session.get(Submission, after)
    assert still is not None and still.status == "processing"
    # Given back, with a task sent for it (the backlog was otherwise idle).
    assert backlog.held("task-1") == []
    queued = backlog.client.lrange(app.resources.settings.key_prefix + "ingest", 0, -1)  # type: ignore[attr-defined]
    assert len(queued) == 1 and after.encode() in queued[0]


def attempts_seen_at_parse(
    app: Celery, monkeypatch: pytest.MonkeyPatch, sid: str
) -> list[tuple[str, int, datetime]]:
    """What another connection sees of ``sid`` while its page is parsed: its
    committed status and attempts, and the time, recorded on each parse."""
    from services.ingest import processing

    parse, seen = processing.parse_page, []

    def parse_and_look(body: bytes, media_type: str, *more: object) -> object:
        with app.resources.sessions() as other:  # type: ignore[attr-defined]
            sub = other.get(Submission, sid)
            assert sub is not None
            seen.append((sub.status, sub.attempts, datetime.now(UTC)))
        return parse(body, media_type, *more)  # type: ignore[arg-type]

    monkeypatch.setattr(processing, "parse_page", parse_and_look)
    return seen


def run_redelivered(
    app: Celery, monkeypatch: pytest.MonkeyPatch, sid: str
) -> list[tuple[str, int, datetime]]:
    """Run ``sid``'s task as a message the broker gave back; what its parse saw."""
    seen = attempts_seen_at_parse(app, monkeypatch, sid)
    monkeypatch.setattr(batch, "_redelivered", lambda task: True)
    app.tasks[contracts.PROCESS_SUBMISSION](submission_id=sid)
    return seen


def test_a_page_alone_commits_its_attempt_with_its_outcome(
    app: Celery, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = new_page(session, 1)
    seen = attempts_seen_at_parse(app, monkeypatch, sid)

    app.tasks[contracts.PROCESS_SUBMISSION](submission_id=sid)

    ((status, attempts, parsed_at),) = seen
    assert (status, attempts) == ("queued", 0)  # no transaction of its own before the parse
    session.expire_all()
    sub = session.get(Submission, sid)
    assert sub is not None and (sub.status, sub.attempts) == ("done", 1)
    # The attempt is timed from when the run began, not from when it was stored.
    assert sub.started_at is not None and sub.finished_at is not None
    assert sub.started_at <= parsed_at <= sub.finished_at


def test_a_page_alone_redelivered_counts_its_attempt_before_its_parse(
    app: Celery, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page whose parse killed its worker comes back marked redelivered: from
    then on each run is counted before the parse, so it is given up on in time."""
    sid = new_page(session, 1)
    run_once(session, {sid: "queued"})  # counted once, by the run that died
    seen = run_redelivered(app, monkeypatch, sid)

    assert [(status, attempts) for status, attempts, _ in seen] == [("processing", 2)]
    session.expire_all()
    sub = session.get(Submission, sid)
    assert sub is not None and (sub.status, sub.attempts) == ("done", 2)


def test_a_page_done_and_delivered_again_stays_done_while_it_runs_again(
    app: Celery, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A task redelivered after its page was done (its worker died before the
    acknowledgement) runs the page again for its follow-ups: readers meanwhile
    see it done, with the counts of its first run, never back at processing."""
    sid = new_page(session, 1)
    app.tasks[contracts.PROCESS_SUBMISSION](submission_id=sid)
    seen = run_redelivered(app, monkeypatch, sid)

    assert [(status, attempts) for status, attempts, _ in seen] == [("done", 2)]
    session.expire_all()
    sub = session.get(Submission, sid)
    assert sub is not None
    assert (sub.status, sub.attempts, sub.error) == ("done", 2, None)
    assert (sub.article_count, sub.new_article_count, sub.updated_article_count) == (1, 1, 0)


def test_a_done_page_started_too_often_is_not_run_again_and_stays_done(
    app: Celery, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its reruns cannot loop: past the attempts a page is allowed, a page done
    already is left as it is, as a waiting one would be failed."""
    sid = new_page(session, 1)
    app.tasks[contracts.PROCESS_SUBMISSION](submission_id=sid)
    sub = session.get(Submission, sid)
    assert sub is not None
    sub.attempts = batch.MAX_ATTEMPTS
    session.commit()
    seen = run_redelivered(app, monkeypatch, sid)

    assert seen == []
    session.expire_all()
    sub = session.get(Submission, sid)
    assert sub is not None
    assert (sub.status, sub.attempts, sub.error) == ("done", batch.MAX_ATTEMPTS, None)


def test_a_redelivered_message_is_told_by_its_delivery_info(app: Celery) -> None:
    task = app.tasks[contracts.PROCESS_SUBMISSION]
    for info, expected in (
        ({"redelivered": True}, True),
        ({"redelivered": False}, False),
        (None, False),
    ):
        task.push_request(id="task-1", delivery_info=info)
        try:
            assert batch._redelivered(task) is expected
        finally:
            task.pop_request()


@pytest.mark.parametrize("where", ["parse", "store"])
def test_a_page_that_raises_in_a_group_fails_alone_and_the_others_are_stored(
    app: Celery, session: Session, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    from services.ingest import processing

    own, before, bad, after = (new_page(session, n) for n in range(4))
    if where == "parse":
        bad_body = session.get(Submission, bad).body  # type: ignore[union-attr]
        parse = processing.parse_page

        def parse_or_break(body: bytes, media_type: str, *received: object) -> object:
            if body == bad_body:
                raise RuntimeError("a bug met this page")
            return parse(body, media_type, *received)  # type: ignore[arg-type]

        monkeypatch.setattr(processing, "parse_page", parse_or_break)
    else:
        store_articles = processing._store_articles

        def store_or_break(session: Session, sub: Submission, *args: object) -> None:
            if sub.id == bad:
                raise RuntimeError("a bug met this page")
            store_articles(session, sub, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(processing, "_store_articles", store_or_break)
    backlog = backlog_of(app)
    backlog.client.rpush(backlog.list_key, before, bad, after)

    with pytest.raises(RuntimeError, match="a bug met this page"):
        app.tasks[contracts.PROCESS_SUBMISSION](submission_id=own)

    session.expire_all()
    got = {sid: session.get(Submission, sid) for sid in (own, before, bad, after)}
    # A store that raised rolled back its group: the others were stored again alone.
    assert {sid: (s.status, s.attempts) for sid, s in got.items() if s} == {
        own: ("done", 1),
        before: ("done", 1),
        bad: ("failed", 1),
        after: ("done", 1),
    }
    assert "a bug met this page" in (got[bad].error or "")  # type: ignore[union-attr]
    articles = session.scalar(
        select(func.count()).select_from(Article).where(Article.source == "reruns")
    )
    assert articles == 3
    assert backlog.held(own) == []


def test_a_batch_sends_its_feeds_at_once_and_its_snapshot_a_moment_later(
    app: Celery, session: Session
) -> None:
    sid = accept(session, SAMPLE.read_bytes(), "text/plain", "reruns", None).submission.id
    before = datetime.now(UTC)

    app.tasks[contracts.PROCESS_SUBMISSION](submission_id=sid)

    after = datetime.now(UTC)
    prefix = app.resources.settings.key_prefix  # type: ignore[attr-defined]
    client = backlog_of(app).client
    feed = json.loads(client.lindex(prefix + contracts.QUEUE_FEED, 0))
    rates = json.loads(client.lindex(prefix + contracts.QUEUE_RATES, 0))
    assert feed["headers"]["task"] == contracts.REFRESH_FEEDS
    assert feed["headers"]["eta"] is None
    assert rates["headers"]["task"] == contracts.STORE_SNAPSHOT
    delay = timedelta(seconds=batch.SNAPSHOT_DELAY)
    assert before + delay <= datetime.fromisoformat(rates["headers"]["eta"]) <= after + delay


def test_a_batch_asks_for_its_feeds_naming_its_backlog(
    app: Celery, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The feed task of a change made alone waits for the web processes' renders
    (shared/ahead_wait.py); the batch names its backlog, so that a change with
    others behind it is never held."""
    asked = recorded_requests(monkeypatch, batch)
    app.tasks[contracts.PROCESS_SUBMISSION](submission_id=new_page(session, 1))
    assert [kwargs["backlog"] for kwargs in asked] == [backlog_of(app).list_key]
