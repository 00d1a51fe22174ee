"""Finding a submission's row for its task, when a read may lag the row's commit."""

from __future__ import annotations

import logging
import time

from sqlalchemy.orm import Session

from shared.models import Submission

log = logging.getLogger(__name__)

# How long to wait before each further look for a submission's row that a read
# did not find: its task is sent only after the row committed, so a miss is a
# read that lagged the commit (a replica, a snapshot taken just before it) far
# more often than a row that is gone. About 0.75 s in all.
MISSING_ROW_WAITS = (0.05, 0.1, 0.2, 0.4)


def find_submission(session: Session, submission_id: str) -> Submission | None:
    """The submission's row, looked for again after each of ``MISSING_ROW_WAITS``
    when a read does not find it; None, with a log line that says so, if it
    never shows."""
    sub = session.get(Submission, submission_id)
    for wait in MISSING_ROW_WAITS:
        if sub is not None:
            return sub
        log.info("submission %s not found yet; looking again in %.2f s", submission_id, wait)
        # A new transaction for the next look: one begun before the commit would
        # keep not seeing the row.
        session.rollback()
        time.sleep(wait)
        sub = session.get(Submission, submission_id)
    if sub is None:
        log.error(
            "submission %s: no such row after %d looks over %.2f s; its task is dropped "
            "(the row was deleted, or the task names a row of another database)",
            submission_id,
            len(MISSING_ROW_WAITS) + 1,
            sum(MISSING_ROW_WAITS),
        )
    return sub
