"""The outbox relay: sends the processing task of every committed submission.

A request commits the row, sends the task itself if the relay is idle
(``send_now``: Redis given 10 ms at most), and hands its id to this relay (a
kick), which sends the others in its own thread: a slow Redis holds no request.
Each pass takes every id kicked so far and offers them to the ingest backlog
(``shared.backlog``) in one Redis round trip: a task goes out for the first of
them unless one is queued already, and the ingest task takes the rest in
batches. The sweep below sends its rows as tasks of their own. The rows are
recorded sent (``sent_at``) afterwards, at most ``record_seconds`` later, in one
UPDATE for every row published since the last one. A kicked row costs no
database write of its own.

Rows whose task could not be sent stay ``sent_at IS NULL`` and are sent by the
periodic sweep once Redis answers again. The sweep leaves alone rows younger
than ``grace``, which a relay's kick is about to send, and claims each row it
takes with a conditional UPDATE, so the sweeps of several API processes never
send one row twice. A row is still sent twice when it stays unrecorded for
longer than ``grace`` after it was kicked — a relay that fell that far behind,
one whose recording UPDATE failed, or a process that died between the publish
and the record — and a sweep sends it meanwhile; the task is idempotent, so a
double send costs only a no-op run.

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
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from celery import Celery
from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from services.ingest.ahead import Ahead
from services.ingest.relay_publisher import Publisher
from services.ingest.request_send import RequestSend
from shared import contracts
from shared.backlog import Backlog
from shared.db import utcnow
from shared.models import RateSnapshotSource, Submission, SubmissionStatus
from shared.task_messages import task_messages

log = logging.getLogger(__name__)

# How long after its stale point a lost snapshot is still looked for.
LOST_SNAPSHOT_WINDOW = timedelta(days=1)
# Ids this relay sent lately: a second kick of one of them sends nothing.
RECENTLY_SENT = 4096
# After an offer found a task queued already (a burst), the ids that follow
# within this long first try to join that task's backlog, with no message:
# building one costs more than the rest of the offer and would go unused. When
# no task is queued any more they are offered with a message, as usual.
QUEUED_HINT_SECONDS = 1.0
_TASK = contracts.PROCESS_SUBMISSION


class Outbox:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        celery: Celery,
        *,
        sweep_seconds: float = 2.0,
        stale_after: timedelta = timedelta(minutes=30),
        grace: timedelta = timedelta(seconds=10),
        record_seconds: float = 0.1,
    ) -> None:
        self._sessions = sessions
        self._celery = celery
        self._sweep_seconds = sweep_seconds
        self._stale_after = stale_after
        self._grace = grace
        self._record_seconds = record_seconds
        self._pending: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # False after a send failed: kicked ids are then left to the sweep (their
        # rows are committed and unsent) instead of each waiting for a timeout.
        self._broker_ok = True
        # The sweep's sends of whole tasks.
        self._publisher = Publisher(celery)
        self._sent: OrderedDict[str, None] = OrderedDict()
        # Published and not yet recorded sent, and when the last of them was sent.
        self._unrecorded: list[str] = []
        self._published_at = utcnow()
        self._record_due = 0.0
        self._backlog: Backlog | None = None
        # Until when the last offer's "a task is queued" is taken as still true.
        self._queued_until = 0.0
        # Sends made by request threads (``send_now``) note what they sent here too.
        self._noting = threading.Lock()
        self._direct = RequestSend(celery.resources.settings)  # type: ignore[attr-defined]
        # The next page's id and task message, built in a quiet moment (``prepare``).
        self._ahead = Ahead()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="outbox-relay", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._publisher.drop()

    def kick(self, submission_id: str) -> None:
        """Ask for a committed, unsent submission's task to be sent as soon as possible."""
        self._pending.put(submission_id)

    def new_id(self) -> str:
        """The id for a page about to be stored (``services.ingest.ahead``)."""
        return self._ahead.new_id()

    def prepare(self) -> None:
        """Build the next page's id and task message, if none is ready: a lone page's
        send then costs the request only its round trip to Redis (a build is about
        as long). Called by the relay's thread once its sends are recorded."""
        prefix = self._celery.resources.settings.key_prefix  # type: ignore[attr-defined]
        messages = task_messages(self._celery, prefix)
        if self._broker_ok and messages.ready():
            self._ahead.fill(
                lambda sid: messages.build(
                    _TASK, {"submission_id": sid}, headers={"submission_id": sid}
                )
            )

    def send_now(self, submission_id: str) -> bool:
        """The task sent from the request's thread before the answer, for a lone page while
        the relay is idle: no wait for its thread to wake, and a bounded wait for Redis
        (``request_send``). False: the kick sends it (sent twice after a timeout Redis
        ran: tasks are idempotent)."""
        prefix = self._celery.resources.settings.key_prefix  # type: ignore[attr-defined]
        backlog = self._direct.backlog()
        if (
            backlog is None  # not opened by the relay yet, or paused
            or not task_messages(self._celery, prefix).ready()
            or not self._broker_ok
            or time.monotonic() < self._queued_until
            or not self._pending.empty()
        ):
            return False
        started = utcnow()
        try:
            self._offer([submission_id], backlog)
        except Exception as exc:
            self._direct.failed()
            log.info("sending from the request failed (%s); the relay sends", exc)
            return False
        self._note_published([submission_id], started)
        return True

    def _run(self) -> None:
        next_sweep = time.monotonic() + self._sweep_seconds
        while not self._stop.is_set():
            wake = min(next_sweep, self._record_due) if self._unrecorded else next_sweep
            try:
                sid: str | None = self._pending.get(timeout=max(0.0, wake - time.monotonic()))
            except queue.Empty:
                sid = None
            if sid is not None:
                kicked = self._drain(sid)
                if self._broker_ok:
                    self._guarded(lambda kicked=kicked: self.send_kicked(kicked))
            now = time.monotonic()
            if self._unrecorded and now >= min(self._record_due, next_sweep):
                self._guarded(self.record_sent)
                if not self._unrecorded:
                    self._guarded(self.prepare)
            # On a timer, not only when idle: under steady load a row whose
            # send failed must not wait for a lull.
            if now >= next_sweep:
                self._guarded(self.sweep)
                next_sweep = time.monotonic() + self._sweep_seconds
        self._guarded(self.record_sent)

    def _drain(self, first: str) -> list[str]:
        """``first`` and every id kicked since, at most a thousand."""
        ids = [first]
        while len(ids) < 1000:
            try:
                ids.append(self._pending.get_nowait())
            except queue.Empty:
                break
        return ids

    def _guarded(self, action: Callable[[], object]) -> None:
        try:
            action()
        except Exception as exc:
            # Redis or the database is away; the next sweep tries again.
            if self._broker_ok:
                log.warning("outbox relay could not send (%s); will retry", exc)
            self._broker_ok = False
            self._publisher.drop()
        else:
            if not self._broker_ok:
                log.info("outbox relay is sending again")
            self._broker_ok = True

    def send_kicked(self, submission_ids: Iterable[str]) -> int:
        """Publish the tasks of committed, unsent rows; ``record_sent`` records them.

        No claim before the send: see the module doc for the double send this
        allows. If publishing fails nothing is recorded, and the sweep sends
        the rows once they are older than the grace period.
        """
        ids = [sid for sid in dict.fromkeys(submission_ids) if sid not in self._sent]
        if not ids:
            return 0
        started = utcnow()
        self._offer(ids, self._backlog_for_thread())
        self._note_published(ids, started)
        self._direct.warm()
        return len(ids)

    def _note_published(self, ids: list[str], started: datetime) -> None:
        with self._noting:
            if not self._unrecorded:
                self._record_due = time.monotonic() + self._record_seconds
            self._unrecorded += ids
            self._published_at = started
        self._direct.sent()

    def record_sent(self) -> int:
        """Record every row published since the last call as sent, in one UPDATE."""
        with self._noting:
            ids, published_at = list(self._unrecorded), self._published_at
        if not ids:
            return 0
        with self._sessions() as session:
            session.execute(
                update(Submission)
                .where(Submission.id.in_(ids), Submission.sent_at.is_(None))
                .values(sent_at=published_at)
            )
            session.commit()
        with self._noting:
            # Those noted meanwhile (by a request's send) stay for the next call.
            del self._unrecorded[: len(ids)]
        return len(ids)

    def _offer(self, submission_ids: list[str], backlog: Backlog) -> None:
        """Hand the ids to the ingest backlog: only the first of a burst goes out as
        a task, which takes the others in batches (``shared.backlog``)."""
        if time.monotonic() < self._queued_until and backlog.join(submission_ids):
            self._remember(submission_ids)
            return
        first = submission_ids[0]
        # Pushed by the offer itself when it wins the kick: one round trip, and
        # never a kick held without its task.
        message = self._ahead.message(first)
        if message is None:
            prefix = self._celery.resources.settings.key_prefix  # type: ignore[attr-defined]
            message = task_messages(self._celery, prefix).build(
                _TASK, {"submission_id": first}, headers={"submission_id": first}
            )
        kick = backlog.offer(submission_ids, uuid.uuid4().hex, message=message)
        self._queued_until = time.monotonic() + QUEUED_HINT_SECONDS if kick is None else 0.0
        self._remember(submission_ids)

    def _backlog_for_thread(self) -> Backlog:
        if self._backlog is None:
            resources = self._celery.resources  # type: ignore[attr-defined]
            # The relay's own client: a Redis that never answers must not hang it.
            client = resources.redis.get(socket_timeout=5, socket_connect_timeout=3)
            self._backlog = Backlog.of(client, resources.settings, contracts.BACKLOG_INGEST)
        return self._backlog

    def _publish(self, submission_ids: list[str]) -> None:
        """Send each id's task; they reach Redis together, in one pipeline."""
        self._publisher.publish(submission_ids)
        self._remember(submission_ids)

    def _remember(self, submission_ids: list[str]) -> None:
        # Kicks queued while the sweep sent these (Redis was away), or after a
        # request sent them itself, send nothing.
        with self._noting:
            for sid in submission_ids:
                self._sent[sid] = None
            while len(self._sent) > RECENTLY_SENT:
                self._sent.popitem(last=False)

    def _due(self, now: datetime) -> ColumnElement[bool]:
        stale = now - self._stale_after
        return or_(
            # Never sent, and no longer about to be sent by a relay's kick.
            and_(Submission.sent_at.is_(None), Submission.received_at < now - self._grace),
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
        """Send every row due (see ``_due``); stops at the first failure."""
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
            sent += self.send_one(sid)
        return sent

    def send_one(self, submission_id: str) -> bool:
        """Claim a due row, publish its task, and release the claim if publishing fails."""
        now = utcnow()
        with self._sessions() as session:
            claim = update(Submission).where(Submission.id == submission_id, self._due(now))
            claimed = session.execute(claim.values(sent_at=now)).rowcount  # type: ignore[attr-defined]
            session.commit()
            if not claimed:
                return False
            try:
                self._publish([submission_id])
            except Exception:
                session.execute(
                    update(Submission)
                    .where(Submission.id == submission_id, Submission.sent_at == now)
                    .values(sent_at=None)
                )
                session.commit()
                raise
        return True
