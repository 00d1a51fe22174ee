"""A burst of pages costs a few ingest tasks, not one per page: the relay offers
them to the ingest backlog and each task takes a batch, on real workers. Every
page is still run once, a bad one fails alone, and each page's snapshot arrives."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from services.ingest.accept import accept
from services.ingest.outbox import Outbox
from shared import contracts
from shared.celery_app import create_celery
from shared.db import make_engine, make_session_factory
from shared.models import Article, RateSnapshotSource, Submission
from shared.settings import Settings
from shared.task_metrics import TaskMetrics
from tests.conftest import SAMPLE
from tests.support.processes import ServiceProcess
from tests.support.sample import SAMPLE_TITLES
from tests.support.waiting import wait_for, wait_pipeline_idle

PAGES = 40


def runs(settings: Settings, task: str) -> int:
    client = redis.Redis.from_url(settings.redis_url)
    try:
        figures = TaskMetrics(client, settings.key_prefix).read().get(task)
    finally:
        client.close()
    return sum(figures.states.values()) if figures else 0


def page(i: int) -> bytes:
    text = SAMPLE.read_text(encoding="utf-8")
    for title in SAMPLE_TITLES:
        text = text.replace(f"\n{title}\n", f"\n{title} — Batch {i}\n", 1)
    return text.encode()


@pytest.fixture
def relay(settings: Settings, workers: dict[str, ServiceProcess]) -> Iterator[Outbox]:
    engine = make_engine(settings.db_url)
    # No thread: the test hands the relay its whole burst in one pass.
    outbox = Outbox(make_session_factory(engine), create_celery("test-batches", settings))
    yield outbox
    outbox.stop()
    engine.dispose()


def test_a_burst_is_run_in_batches_and_every_page_once(
    relay: Outbox, settings: Settings, tmp_path: Path
) -> None:
    engine = make_engine(settings.db_url)
    sessions = make_session_factory(engine)
    tag = uuid.uuid4().hex[:6]
    with sessions() as session:
        ids = [
            accept(session, page(i), "text/plain", f"batch{tag}", None).submission.id
            for i in range(PAGES)
        ]
        # One that cannot be parsed, in the middle of the burst.
        bad = accept(session, b"not json", "application/json", f"batch{tag}", None)
    half = PAGES // 2
    burst = [*ids[:half], bad.submission.id, *ids[half:]]
    wait_pipeline_idle(settings.redis_url, settings.key_prefix)
    before = runs(settings, contracts.PROCESS_SUBMISSION)

    assert relay.send_kicked(burst) == len(burst)

    def finished() -> bool:
        with sessions() as session:
            waiting = session.scalar(
                select(func.count())
                .select_from(Submission)
                .where(Submission.id.in_(burst), Submission.status.in_(("queued", "processing")))
            )
        return waiting == 0

    wait_for(finished, timeout=120, what="the burst processed")
    wait_pipeline_idle(settings.redis_url, settings.key_prefix)
    tasks = runs(settings, contracts.PROCESS_SUBMISSION) - before
    with sessions() as session:
        subs = session.scalars(select(Submission).where(Submission.id.in_(burst))).all()
        status = {s.id: s.status for s in subs}
        assert [status[i] for i in ids] == ["done"] * PAGES
        assert all(s.attempts == 1 for s in subs)
        assert status[bad.submission.id] == "failed"
        bad_row = session.get(Submission, bad.submission.id)
        assert bad_row is not None and bad_row.attempts == 1
        assert "cannot parse the page" in (bad_row.error or "")
        articles = session.scalar(
            select(func.count()).select_from(Article).where(Article.source == f"batch{tag}")
        )
        assert articles == PAGES * len(SAMPLE_TITLES)
        # Every page's snapshot reached the rates worker (the same ticker: one
        # snapshot, recorded once per submission).
        sources = session.scalar(
            select(func.count())
            .select_from(RateSnapshotSource)
            .where(RateSnapshotSource.submission_id.in_(ids))
        )
        assert sources == PAGES
    # 41 pages with a batch of 16: a few tasks (each batch that leaves pages
    # waiting sends one more), far fewer than one per page.
    assert tasks <= 8, tasks
    engine.dispose()
