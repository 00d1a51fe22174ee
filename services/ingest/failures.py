"""How the ingest task records that a submission failed, and when it gives up."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from shared.celery_app import TASK_OPTIONS, DbTask
from shared.db import utcnow
from shared.models import Submission, SubmissionStatus

log = logging.getLogger(__name__)

# Anything but a transient outage (TRANSIENT_ERRORS) fails the submission at
# once, with the reason, instead of being retried for minutes.
MAX_RETRIES: int = TASK_OPTIONS["max_retries"]
# Runs of one submission, retries and redeliveries included. A page whose run
# kills its worker (OOM, a parser crash) would otherwise be requeued forever,
# since a lost worker's message goes back to the queue.
MAX_ATTEMPTS = MAX_RETRIES + 4


def gave_up(session: Session, submission_id: str) -> bool:
    """Fail a submission that was started too often without finishing. One done
    already is not run again either (its articles are stored; only the resend of
    its follow-ups is forgone), but stays done: its reruns cannot loop forever."""
    sub = session.get(Submission, submission_id)
    if sub is None or sub.attempts < MAX_ATTEMPTS:
        return False
    if sub.status not in (SubmissionStatus.DONE, SubmissionStatus.FAILED):
        mark_failed(
            session,
            submission_id,
            f"gave up after {sub.attempts} attempts: the worker running it kept dying "
            "(killed, out of memory or over the time limit)",
        )
    return True


def mark_failed(
    session: Session, submission_id: str, reason: str, *, count_attempt: bool = False
) -> None:
    """``count_attempt``: the run that failed had not been counted yet (a batch's)."""
    session.rollback()
    sub = session.get(Submission, submission_id)
    if sub is None or sub.status == SubmissionStatus.DONE:
        return
    if count_attempt:
        sub.attempts += 1
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


def record_failure(
    task: DbTask, submission_id: str, exc: BaseException, *, count_attempt: bool = False
) -> None:
    """Make a final failure visible through the API; best effort if the DB is down."""
    log.error("submission %s: processing failed", submission_id, exc_info=exc)
    try:
        mark_failed(
            task.session,
            submission_id,
            f"processing failed after {task.request.retries + 1} attempt(s): {public_reason(exc)}",
            count_attempt=count_attempt,
        )
    except Exception:
        # The submission stays "processing"; the outbox relay sends it again
        # once it is stale, so it is not lost.
        log.exception("could not record the failure of submission %s", submission_id)
