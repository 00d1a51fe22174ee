"""The outbox relay: sends the processing task of every committed submission.

A request commits the row and only then hands its id to this relay; the relay
publishes in its own thread, so a slow or absent Redis never holds a request.
Rows whose task could not be sent stay ``sent_at IS NULL`` and are re-sent by
the periodic sweep once Redis answers again. Several API processes may run a
relay each: a row is claimed with a conditional UPDATE before it is sent, and
the task is idempotent, so a rare double send costs only a no-op.

The sweep is also the last line against loss after the broker's own
redelivery: a row still ``queued`` long after its task was sent (Redis lost
the message), or ``processing`` long after it started (its task was dropped,
e.g. a retry could not be published), is sent again.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from celery import Celery
from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from shared import contracts
from shared.celery_app import send
from shared.db import utcnow
from shared.models import RateSnapshotSource, Submission, SubmissionStatus

log = logging.getLogger(__name__)

# How long after its stale point a lost snapshot is still looked for.
LOST_SNAPSHOT_WINDOW = timedelta(days=1)


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
        # False after a send failed: kicked ids are then left to the sweep (their
        # rows are committed and unsent) instead of each waiting for a timeout.
        self._broker_ok = True

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
        next_sweep = time.monotonic() + self._sweep_seconds
        while not self._stop.is_set():
            try:
                sid: str | None = self._pending.get(timeout=max(0.0, next_sweep - time.monotonic()))
            except queue.Empty:
                sid = None
            if sid is not None and self._broker_ok:
                self._guarded(lambda sid=sid: self.send_one(sid))
            # On a timer, not only when idle: under steady load a row whose
            # send failed must not wait for a lull.
            if time.monotonic() >= next_sweep:
                self._guarded(self.sweep)
                next_sweep = time.monotonic() + self._sweep_seconds

    def _guarded(self, action: Callable[[], object]) -> None:
        try:
            action()
        except Exception as exc:
            # Redis or the database is away; the next sweep tries again.
            if self._broker_ok:
                log.warning("outbox relay could not send (%s); will retry", exc)
            self._broker_ok = False
        else:
            if not self._broker_ok:
                log.info("outbox relay is sending again")
            self._broker_ok = True

    def _due(self, now: datetime) -> ColumnElement[bool]:
        stale = now - self._stale_after
        return or_(
            Submission.sent_at.is_(None),
            and_(Submission.status == SubmissionStatus.QUEUED, Submission.sent_at < stale),
            and_(
                Submission.status == SubmissionStatus.PROCESSING,
                Submission.started_at < stale,
                Submission.sent_at < stale,
            ),
            # Done, with a ticker, but its snapshot never arrived: a message can
            # be lost if a worker dies between taking it and recording it as
            # unacknowledged. Running the (idempotent) ingest task again re-sends it.
            and_(
                Submission.status == SubmissionStatus.DONE,
                Submission.rate_count > 0,
                # A bounded window, read from an index: the sweep runs every few
                # seconds and must not grow with the whole history.
                Submission.finished_at < stale,
                Submission.finished_at >= stale - LOST_SNAPSHOT_WINDOW,
                Submission.sent_at < stale,
                ~exists().where(RateSnapshotSource.submission_id == Submission.id),
            ),
        )

    def pending(self) -> int:
        """How many rows the sweep would send now."""
        with self._sessions() as session:
            return int(
                session.scalar(
                    select(func.count()).select_from(Submission).where(self._due(utcnow()))
                )
                or 0
            )

    def sweep(self) -> int:
        """Send every unsent submission, and re-send stranded ones; stops at the first failure."""
        with self._sessions() as session:
            ids = list(
                session.scalars(
                    select(Submission.id)
                    .where(self._due(utcnow()))
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
                claim = claim.where(self._due(now))
            else:
                claim = claim.where(Submission.sent_at.is_(None))
            claimed = session.execute(claim.values(sent_at=now)).rowcount  # type: ignore[attr-defined]
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
