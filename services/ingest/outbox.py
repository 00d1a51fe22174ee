"""The outbox relay: sends the processing task of every committed submission.

A request commits the row and only then hands its id to this relay; the relay
publishes in its own thread, so a slow or absent Redis never holds a request.
Rows whose task could not be sent stay ``sent_at IS NULL`` and are re-sent by
the periodic sweep once Redis answers again. Several API processes may run a
relay each: a row is claimed with a conditional UPDATE before it is sent, and
the task is idempotent, so a rare double send costs only a no-op.
"""

from __future__ import annotations

import logging
import queue
import threading
from datetime import timedelta

from celery import Celery
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from shared import contracts
from shared.celery_app import send
from shared.db import utcnow
from shared.models import Submission, SubmissionStatus

log = logging.getLogger(__name__)


class Outbox:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        celery: Celery,
        *,
        sweep_seconds: float = 2.0,
        stale_after: timedelta = timedelta(minutes=30),
    ) -> None:
        self._sessions = sessions
        self._celery = celery
        self._sweep_seconds = sweep_seconds
        self._stale_after = stale_after
        self._pending: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="outbox-relay", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def kick(self, submission_id: str) -> None:
        """Ask for a committed submission's task to be sent as soon as possible."""
        self._pending.put(submission_id)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                sid = self._pending.get(timeout=self._sweep_seconds)
            except queue.Empty:
                self._guarded(self.sweep)
                continue
            self._guarded(lambda sid=sid: self.send_one(sid))

    def _guarded(self, action: object) -> None:
        try:
            action()  # type: ignore[operator]
        except Exception:
            # Redis or the database is away; the next sweep tries again.
            log.warning("outbox relay could not send; will retry", exc_info=True)

    def sweep(self) -> int:
        """Send every unsent submission, and re-send long-stranded queued ones."""
        now = utcnow()
        with self._sessions() as session:
            ids = list(
                session.scalars(
                    select(Submission.id)
                    .where(
                        (Submission.sent_at.is_(None))
                        | (
                            (Submission.status == SubmissionStatus.QUEUED)
                            & (Submission.sent_at < now - self._stale_after)
                        )
                    )
                    .order_by(Submission.received_at)
                    .limit(500)
                )
            )
        sent = 0
        for sid in ids:
            sent += self.send_one(sid, resend_stale=True)
        return sent

    def send_one(self, submission_id: str, *, resend_stale: bool = False) -> bool:
        """Claim the row, publish its task, and release the claim if publishing fails."""
        now = utcnow()
        with self._sessions() as session:
            claim = update(Submission).where(Submission.id == submission_id)
            if resend_stale:
                claim = claim.where(
                    Submission.sent_at.is_(None)
                    | (
                        (Submission.status == SubmissionStatus.QUEUED)
                        & (Submission.sent_at < now - self._stale_after)
                    )
                )
            else:
                claim = claim.where(Submission.sent_at.is_(None))
            claimed = session.execute(claim.values(sent_at=now)).rowcount
            session.commit()
            if not claimed:
                return False
            try:
                send(
                    self._celery,
                    contracts.PROCESS_SUBMISSION,
                    {"submission_id": submission_id},
                    headers={"submission_id": submission_id},
                    retry=False,
                )
            except Exception:
                session.execute(
                    update(Submission)
                    .where(Submission.id == submission_id, Submission.sent_at == now)
                    .values(sent_at=None)
                )
                session.commit()
                raise
        return True
