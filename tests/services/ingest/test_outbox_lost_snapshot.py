"""A snapshot message lost between ingest and rates is sent again by the outbox relay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from services.ingest.accept import accept
from services.ingest.outbox import Outbox
from services.ingest.processing import process_submission
from shared.celery_app import create_celery
from shared.db import make_engine, make_session_factory, utcnow
from shared.models import RateSnapshot, RateSnapshotSource, Submission
from shared.settings import Settings
from tests.support.processes import ServiceProcess
from tests.support.sample import SAMPLE
from tests.support.waiting import wait_for


def test_a_done_submission_whose_snapshot_never_arrived_is_sent_again(
    settings: Settings, workers: dict[str, ServiceProcess]
) -> None:
    engine = make_engine(settings.db_url)
    sessions = make_session_factory(engine)
    body = SAMPLE.read_bytes()
    long_ago = utcnow() - timedelta(hours=1)
    with sessions() as session:
        sub = accept(session, body, "text/plain", "timesca", None).submission
        # Processed, but the rates.store_snapshot message it sent was lost.
        process_submission(session, sub.id)
        session.execute(
            update(Submission)
            .where(Submission.id == sub.id)
            .values(sent_at=long_ago, finished_at=long_ago)
        )
        session.commit()
        sid = sub.id

    def stored() -> bool:
        with sessions() as session:
            return bool(
                session.scalar(
                    select(func.count())
                    .select_from(RateSnapshotSource)
                    .where(RateSnapshotSource.submission_id == sid)
                )
            )

    outbox = Outbox(
        sessions, create_celery("test-outbox", settings), stale_after=timedelta(minutes=5)
    )
    assert not stored()
    assert outbox.sweep() == 1
    wait_for(stored, 60, what="the snapshot to arrive after the relay re-sent the submission")
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(RateSnapshot)) == 1
        assert session.get(Submission, sid).status == "done"  # type: ignore[union-attr]
    assert outbox.sweep() == 0  # nothing more is due
    engine.dispose()
