"""The ingest worker's task. The logic is in ``processing``; this is the wiring."""

from __future__ import annotations

import logging

from celery import Celery
from sqlalchemy.exc import DBAPIError, OperationalError

from services.ingest.processing import process_submission
from shared import contracts
from shared.celery_app import DbTask, send
from shared.db import utcnow
from shared.logs import submission_id_var
from shared.models import Submission, SubmissionStatus

log = logging.getLogger(__name__)


def register(app: Celery) -> None:
    @app.task(
        name=contracts.PROCESS_SUBMISSION,
        base=DbTask,
        bind=True,
        acks_late=True,
        reject_on_worker_lost=True,
        # A database or broker outage is worth waiting out; a parse error is not
        # (it is recorded as the submission's failure instead of raised).
        autoretry_for=(OperationalError, DBAPIError, ConnectionError),
        max_retries=8,
        retry_backoff=2,
        retry_backoff_max=120,
        retry_jitter=True,
    )
    def process(self: DbTask, submission_id: str) -> None:
        token = submission_id_var.set(submission_id)
        try:
            try:
                outcome = process_submission(self.session, submission_id)
            except Exception as exc:
                if self.request.retries >= (self.max_retries or 0) or not isinstance(
                    exc, OperationalError | DBAPIError | ConnectionError
                ):
                    _record_failure(self, submission_id, exc)
                raise
            if outcome is None:
                return
            # Sent only now that the rows they depend on have committed. A
            # redelivered task sends them again; both consumers are idempotent.
            if outcome.snapshot is not None:
                send(
                    self.app,
                    contracts.STORE_SNAPSHOT,
                    dict(outcome.snapshot),
                    headers={"submission_id": submission_id},
                )
            if outcome.feeds:
                send(
                    self.app,
                    contracts.REFRESH_FEEDS,
                    {"feeds": sorted(outcome.feeds), "requested_at": utcnow().isoformat()},
                    headers={"submission_id": submission_id},
                )
            log.info(
                "submission %s %s: %d new, %d updated, %d unchanged articles",
                submission_id,
                outcome.status,
                outcome.new,
                outcome.updated,
                outcome.unchanged,
            )
        finally:
            submission_id_var.reset(token)


def _record_failure(task: DbTask, submission_id: str, exc: BaseException) -> None:
    """Make a final failure visible through the API; best effort if the DB is down."""
    session = task.session
    try:
        session.rollback()
        sub = session.get(Submission, submission_id)
        if sub is not None:
            sub.status = SubmissionStatus.FAILED
            sub.error = (
                f"processing failed after {task.request.retries + 1} attempt(s): "
                f"{type(exc).__name__}: {str(exc)[:500]}"
            )
            sub.finished_at = utcnow()
            session.commit()
    except Exception:
        log.exception("could not record the failure of submission %s", submission_id)
