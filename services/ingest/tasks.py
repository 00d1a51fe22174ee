"""The ingest worker's task. The logic is in ``batch`` and ``processing``; this is the wiring."""

from __future__ import annotations

import logging
from typing import Any

from celery.exceptions import TimeLimitExceeded
from sqlalchemy import select

from services.ingest.batch import give_back, run_batch
from services.ingest.failures import mark_failed
from shared import contracts
from shared.celery_app import DbTask, silkfeed_task
from shared.models import Submission, SubmissionStatus

log = logging.getLogger(__name__)


class IngestTask(DbTask):
    abstract = True

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        # A hard time limit kills the pool child, so the task body never saw it:
        # the worker's main process records the failure here instead.
        if isinstance(exc, TimeLimitExceeded) and kwargs and kwargs.get("submission_id"):
            try:
                with self.resources.sessions() as session:
                    _stopped_batch(self, session, task_id, kwargs["submission_id"], exc)
            finally:
                # The main process forks the replacement child next: it must hold
                # no database connection then (SQLite's and PostgreSQL's connections
                # are not to be shared with a forked process, in use or in closing).
                self.resources.dispose()


def _stopped_batch(task: DbTask, session: Any, task_id: str, own: str, exc: Exception) -> None:
    """The page the limit stopped fails; the batch's pages not yet run go back to
    the backlog. A batch runs its pages in order (its own, then those it held), each
    to done or failed before the next: the one stopped is the first of neither."""
    backlog = task.backlog(contracts.BACKLOG_INGEST)
    holder = task_id or own
    ids = list(dict.fromkeys([own, *backlog.held(holder)]))
    rows = session.execute(select(Submission.id, Submission.status).where(Submission.id.in_(ids)))
    status = {sid: state for sid, state in rows}
    over = (SubmissionStatus.DONE, SubmissionStatus.FAILED)
    waiting = [i for i in ids if i in status and status[i] not in over]
    if waiting:
        mark_failed(session, waiting[0], f"processing was stopped by the hard time limit ({exc})")
        give_back(task, backlog, holder, waiting[1:])
    backlog.finish(holder)


# Retried on a transient outage (TASK_OPTIONS: 2, 4, 8 … seconds, about 6 minutes in
# all), then the submission is marked failed with the last error.
@silkfeed_task(contracts.PROCESS_SUBMISSION, base=IngestTask)
def process(self: IngestTask, submission_id: str) -> None:
    run_batch(self, submission_id)
