"""`silkfeed reprocess`: stored pages go through the ingest task again."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
import redis
import requests
from sqlalchemy import delete, select

from bench.common import distinct_page
from shared.contracts import PROCESS_SUBMISSION
from shared.db import make_engine, make_session_factory, utcnow
from shared.models import Article, Submission
from tests.cli.conftest import Cli, IngestServer, store
from tests.conftest import TOKEN
from tests.support.redis_server import RedisServer
from tests.support.waiting import wait_for


def submission(db_url: str, sid: str) -> Submission:
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        sub = session.get(Submission, sid)
    engine.dispose()
    assert sub is not None
    return sub


def queued_tasks(redis_server: RedisServer, prefix: str) -> list[tuple[str, str]]:
    """(task name, submission id) of each message waiting in the ingest queue."""
    client = redis.Redis.from_url(redis_server.url)
    raw = client.lrange(prefix + "ingest", 0, -1)
    client.close()
    found = []
    for item in raw:
        message = json.loads(item)
        _args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        found.append((message["headers"]["task"], kwargs["submission_id"]))
    return sorted(found)


def test_finished_submissions_are_reset_and_sent_by_name(
    cli: Cli, quiet_namespace: str, redis_server: RedisServer, db_url: str
) -> None:
    done = store(db_url, status="done", attempts=1, sent_at=utcnow(), finished_at=utcnow())
    failed = store(db_url, status="failed", attempts=9, error="boom", sent_at=utcnow())
    queued = store(db_url, status="queued")
    result = cli("reprocess", done, failed, queued, "0" * 32)
    assert result.exit_code == 1  # the unknown id
    assert f"{'0' * 32}: no such submission" in result.stderr
    assert f"{queued}: already queued; left alone" in result.stdout
    assert "2 submission(s) queued again, 2 sent now" in result.stdout
    for sid in (done, failed):
        sub = submission(db_url, sid)
        assert (sub.status, sub.attempts, sub.error, sub.finished_at) == ("queued", 0, None, None)
        assert sub.sent_at is not None
    assert queued_tasks(redis_server, quiet_namespace) == sorted(
        [(PROCESS_SUBMISSION, done), (PROCESS_SUBMISSION, failed)]
    )
    # Again: they are queued now, so nothing is sent twice.
    again = cli("reprocess", done)
    assert "already queued; left alone" in again.stdout
    assert len(queued_tasks(redis_server, quiet_namespace)) == 2


def test_selection_by_time_and_source(
    cli: Cli, quiet_namespace: str, redis_server: RedisServer, db_url: str
) -> None:
    def at(day: int, hour: int = 12) -> datetime:
        return datetime(2025, 12, day, hour, tzinfo=UTC)

    early = store(db_url, status="done", received_at=at(1))
    mid = store(db_url, status="done", received_at=at(10, 23))
    other = store(db_url, status="done", received_at=at(10), source="other")
    late = store(db_url, status="failed", received_at=at(20))
    busy = store(db_url, status="processing", received_at=at(10))

    result = cli("reprocess", "--since", "2025-12-05", "--until", "2025-12-10")
    assert result.exit_code == 0, result.output
    assert "2 submission(s) queued again, 2 sent now" in result.stdout
    assert {sid for _, sid in queued_tasks(redis_server, quiet_namespace)} == {mid, other}
    assert submission(db_url, busy).status == "processing"

    by_source = cli("reprocess", "--all", "--source", "timesca")
    assert "2 submission(s) queued again" in by_source.stdout  # early and late; mid is queued
    assert {sid for _, sid in queued_tasks(redis_server, quiet_namespace)} == {
        early,
        mid,
        other,
        late,
    }

    assert cli("reprocess").exit_code == 2
    assert cli("reprocess", early, "--all").exit_code == 2
    bad = cli("reprocess", "--since", "last week")
    assert bad.exit_code == 2 and "is not a date" in bad.stderr


def test_without_redis_the_rows_are_left_to_the_relay(cli: Cli, db_url: str) -> None:
    done = store(db_url, status="done", sent_at=utcnow())
    result = cli("reprocess", done, SILKFEED_REDIS_URL="redis://127.0.0.1:9/0")
    assert result.exit_code == 0
    assert "1 submission(s) queued again, 0 sent now" in result.stdout
    assert "Redis is unavailable" in result.stderr and "relay" in result.stderr
    assert "Traceback" not in result.output
    sub = submission(db_url, done)
    assert sub.status == "queued" and sub.sent_at is None  # the relay's to send


@pytest.mark.slow
def test_reprocess_brings_deleted_articles_back_through_the_worker(
    cli: Cli, ingest_api_with_relay: IngestServer, db_url: str
) -> None:
    body, titles = distinct_page(0, "Reprocess")
    resp = requests.post(
        f"{ingest_api_with_relay.url}/v1/submissions",
        data=body,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"},
        timeout=10,
    )
    sid = resp.json()["id"]
    wait_for(lambda: submission(db_url, sid).status == "done", 60, what="the first run")
    before = submission(db_url, sid)
    assert before.new_article_count == 6
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(delete(Article))

    result = cli("reprocess", sid, "--wait", "--timeout", "60")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == "1 done"
    after = submission(db_url, sid)
    assert after.status == "done" and after.attempts == 1
    assert (after.article_count, after.new_article_count, after.rate_count) == (
        before.article_count,
        before.new_article_count,
        before.rate_count,
    )
    with make_session_factory(engine)() as session:
        assert sorted(session.scalars(select(Article.title))) == sorted(titles)
    engine.dispose()
