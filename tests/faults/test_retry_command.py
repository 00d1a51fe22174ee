"""A submission that ended failed shows why through the API, and `silkfeed retry`
sends it to be processed again."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from bench.common import distinct_page
from cli.main import main
from services.ingest.app import create_app
from shared.db import make_engine, utcnow
from shared.models import Submission, SubmissionStatus
from tests.conftest import make_settings
from tests.faults.stack import AUTH, Stack, article_titles, submissions, wait_settled

REASON = "processing failed after 9 attempt(s): OperationalError: the database is away"


@pytest.mark.slow
def test_failed_submission_is_visible_and_retried(stack: Stack, tmp_path: Path) -> None:
    settings = make_settings(stack.db_url, stack.redis.url, tmp_path / "api")
    client = create_app(settings, start_relay=False).test_client()
    body, titles = distinct_page(0, "Retry")
    resp = client.post("/v1/submissions", data=body, headers={**AUTH, "Content-Type": "text/plain"})
    assert resp.status_code == 202
    sid = resp.get_json()["id"]

    # As the ingest task leaves a submission whose retries ran out.
    engine = make_engine(stack.db_url)
    with engine.begin() as conn:
        conn.execute(
            update(Submission)
            .where(Submission.id == sid)
            .values(status="failed", error=REASON, attempts=9, sent_at=utcnow())
        )
    engine.dispose()
    doc = client.get(f"/v1/submissions/{sid}", headers=AUTH).get_json()
    assert doc["status"] == "failed" and doc["error"] == REASON

    env = {"SILKFEED_DATABASE_URL": stack.db_url, "SILKFEED_REDIS_URL": stack.redis.url}
    runner = CliRunner()
    assert runner.invoke(main, ["retry"], env=env).exit_code == 2
    unknown = runner.invoke(main, ["retry", "0" * 32], env=env)
    assert unknown.exit_code == 1 and "no such submission" in unknown.output
    result = runner.invoke(main, ["retry", "--all-failed"], env=env)
    assert result.exit_code == 0, result.output
    assert "1 submission(s) queued again, 1 sent now" in result.output
    (row,) = submissions(stack.db_url)
    assert row.status == SubmissionStatus.QUEUED and row.error is None and row.attempts == 0
    assert row.sent_at is not None

    stack.start_worker()
    wait_settled(stack.db_url, 1, timeout=60)
    doc = client.get(f"/v1/submissions/{sid}", headers=AUTH).get_json()
    assert doc["status"] == "done" and doc["error"] is None and doc["attempts"] == 1
    assert sorted(article_titles(stack.db_url)) == sorted(titles)
