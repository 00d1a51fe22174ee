"""The ingest worker's task. The logic is in ``processing``; this is the wiring."""

from __future__ import annotations

import logging
from typing import Any

from celery.exceptions import TimeLimitExceeded
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from services.ingest.processing import process_submission
from shared import contracts
from shared.bounds import Bounds
from shared.celery_app import TASK_OPTIONS, TRANSIENT_ERRORS, DbTask, send, silkfeed_task
from shared.db import utcnow
from shared.logs import submission_id_var
from shared.models import Submission, SubmissionStatus
from shared.refresh_queue import request_refresh

log = logging.getLogger(__name__)

# Anything but a transient outage (TRANSIENT_ERRORS) fails the submission at
# once, with the reason, instead of being retried for minutes.
MAX_RETRIES: int = TASK_OPTIONS["max_retries"]
# Runs of one submission, retries and redeliveries included. A page whose run
# kills its worker (OOM, a parser crash) would otherwise be requeued forever,
# since a lost worker's message goes back to the queue.
MAX_ATTEMPTS = MAX_RETRIES + 4


class IngestTask(DbTask):
    abstract = True

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        # A hard time limit kills the pool child, so the task body never saw it:
        # the worker's main process records the failure here instead.
        if isinstance(exc, TimeLimitExceeded) and kwargs and kwargs.get("submission_id"):
            with self.resources.sessions() as session:
                _mark_failed(
                    session,
                    kwargs["submission_id"],
                    f"processing was stopped by the hard time limit ({exc})",
                )


# Retried on a transient outage (TASK_OPTIONS: 2, 4, 8 … seconds, about 6 minutes in
# all), then the submission is marked failed with the last error.
@silkfeed_task(contracts.PROCESS_SUBMISSION, base=IngestTask)
def process(self: IngestTask, submission_id: str) -> None:
    token = submission_id_var.set(submission_id)
    try:
        try:
            if _gave_up(self.session, submission_id):
                return
            bounds = Bounds.from_settings(self.resources.settings)
            outcome = process_submission(self.session, submission_id, bounds)
        except Exception as exc:
            if self.request.retries >= MAX_RETRIES or not isinstance(exc, TRANSIENT_ERRORS):
                _record_failure(self, submission_id, exc)
            raise
        if outcome is None:
            return
        # Sent only now that the rows they depend on have committed. A
        # redelivered task sends them again; both consumers are idempotent.
        # If the broker is away, the task retries as a whole (idempotent).
        # The feeds first: their render is what a reader waits for.
        # A burst of pages sends one refresh, not one per page (refresh_queue).
        if outcome.feeds:
            request_refresh(
                self.app,
                self.resources.redis.get(socket_timeout=10),
                self.resources.settings.key_prefix,
                sorted(outcome.feeds),
                utcnow(),
                owner=self.request.id or submission_id,
                headers={"submission_id": submission_id},
            )
        if outcome.snapshot is not None:
            send(
                self.app,
                contracts.STORE_SNAPSHOT,
                dict(outcome.snapshot),
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


def _gave_up(session: Session, submission_id: str) -> bool:
    """Fail a submission that was started too often without finishing."""
    sub = session.get(Submission, submission_id)
    if sub is None or sub.status == SubmissionStatus.DONE or sub.attempts < MAX_ATTEMPTS:
        return False
    if sub.status != SubmissionStatus.FAILED:
        _mark_failed(
            session,
            submission_id,
            f"gave up after {sub.attempts} attempts: the worker running it kept dying "
            "(killed, out of memory or over the time limit)",
        )
    return True


def _mark_failed(session: Session, submission_id: str, reason: str) -> None:
    session.rollback()
    sub = session.get(Submission, submission_id)
    if sub is None or sub.status == SubmissionStatus.DONE:
        return
    sub.status = SubmissionStatus.FAILED
    sub.error = reason[:2000]
    sub.finished_at = utcnow()
    session.commit()
    log.warning("submission %s failed: %s", submission_id, reason)


def public_reason(exc: BaseException) -> str:
    """What the submitter may read about ``exc``: never a statement or its parameters."""
    if isinstance(exc, SQLAlchemyError):
        return f"{type(exc).__name__}: a database error (the worker's log has the details)"
    return f"{type(exc).__name__}: {str(exc)[:500]}"


def _record_failure(task: DbTask, submission_id: str, exc: BaseException) -> None:
    """Make a final failure visible through the API; best effort if the DB is down."""
    log.error("submission %s: processing failed", submission_id, exc_info=exc)
    try:
        _mark_failed(
            task.session,
            submission_id,
            f"processing failed after {task.request.retries + 1} attempt(s): {public_reason(exc)}",
        )
    except Exception:
        # The submission stays "processing"; the outbox relay sends it again
        # once it is stale, so it is not lost.
        log.exception("could not record the failure of submission %s", submission_id)
