"""One ingest task's batch: its own submission, and what it takes from the backlog.

The outbox relay offers committed submissions to the ingest backlog
(``shared.backlog``); only the first of a burst goes out as a task. The task
runs its own submission, then the ones it takes (up to ``task_batch`` in all):
loaded in one query, their pages stored and committed a few at a time with the
attempt each run makes, and a group that meets an error run again page by page,
so one bad page fails alone. The follow-ups of the whole batch go out once: one feed
refresh for every feed the batch touched, and its snapshots offered to the
rates backlog.

Taken submissions that are done already (sent again by the outbox's sweep and
run meanwhile) are skipped; the task's own submission and those held from an
earlier run of the same task are run whatever their state, as a redelivered
task always was (idempotent: a rerun resends what the first run may not have).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import NoReturn

from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy import select

from services.ingest.failures import MAX_ATTEMPTS, MAX_RETRIES, gave_up, record_failure
from services.ingest.lookup import find_submission
from services.ingest.processing import (
    Outcome,
    Prepared,
    prepare,
    process_submission,
    store,
    stored_keys,
)
from shared import contracts
from shared.backlog import Backlog, backlog_key
from shared.bounds import Bounds
from shared.celery_app import TRANSIENT_ERRORS, DbTask, send
from shared.db import utcnow
from shared.logs import submission_id_var
from shared.models import Submission, SubmissionStatus
from shared.refresh_queue import request_refresh
from shared.task_messages import task_messages

log = logging.getLogger(__name__)

# Past this, a batch starts no new page and gives the rest back to the
# backlog, so a burst is shared out among the workers and a batch stays short
# beside the task's time limit.
BATCH_SECONDS = 2.0
# Pages stored and committed together (see _BatchRun).
GROUP_PAGES = 8
# A page's snapshot reaches the rates worker this long after its feeds are
# marked: on a machine with few cores the rates run would otherwise compete for
# the CPU with the render readers wait for (measured: POST to visible p50 7%
# lower, p75 10% lower, pages posted one at a time). No one waits on a ticker
# to the tenth of a second, and snapshots offered meanwhile join the same task.
SNAPSHOT_DELAY = 0.1


def send_process(task: DbTask, submission_id: str) -> None:
    send(
        task.app,
        contracts.PROCESS_SUBMISSION,
        {"submission_id": submission_id},
        headers={"submission_id": submission_id},
    )


@dataclass
class FollowUps:
    """What a batch's pages ask of the other services, sent once for all of them."""

    feeds: set[str] = field(default_factory=set)
    snapshots: list[contracts.StoreSnapshot] = field(default_factory=list)
    submission_ids: list[str] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.feeds |= outcome.feeds
        if outcome.snapshot is not None:
            self.snapshots.append(outcome.snapshot)
        self.submission_ids.append(outcome.submission_id)

    def send(self, task: DbTask, holder: str) -> None:
        """Sent only now that the rows they depend on have committed. A rerun of the
        task sends them again; both consumers are idempotent. If the broker is
        away this raises, and the task retries as a whole."""
        headers = {"submission_id": self.submission_ids[0]} if self.submission_ids else {}
        # The feeds first: their render is what a reader waits for. A burst of
        # pages sends one refresh, not one per page (refresh_queue).
        if self.feeds:
            request_refresh(
                task.app,
                task.resources.redis.get(socket_timeout=10),
                task.resources.settings.key_prefix,
                sorted(self.feeds),
                utcnow(),
                owner=holder,
                # Alone in the pipeline, the worker's task waits for the web
                # processes' renders of what their readers poll (ahead_wait).
                backlog=backlog_key(task.resources.settings.key_prefix, contracts.BACKLOG_INGEST),
                headers=headers,
            )
            self.feeds = set()
        if self.snapshots:
            first = self.snapshots[0]
            # The first snapshot's task, pushed by the offer when it wins the kick.
            message = task_messages(task.app, task.resources.settings.key_prefix).build(
                contracts.STORE_SNAPSHOT,
                first,
                headers={"submission_id": first["submission_id"]},
                countdown=SNAPSHOT_DELAY,
            )
            backlog = task.backlog(contracts.BACKLOG_RATES)
            backlog.offer([json.dumps(s) for s in self.snapshots], holder, message=message)
            self.snapshots = []


def run_batch(task: DbTask, submission_id: str) -> None:
    """Run ``submission_id`` and a batch from the backlog (see the module doc)."""
    settings = task.resources.settings
    backlog = task.backlog(contracts.BACKLOG_INGEST)
    holder = task.request.id or submission_id
    reply = backlog.take_started(holder, settings.task_batch - 1)
    try:
        # The task's own row, read while Redis takes: every way the batch runs reads
        # it, and the session (which holds rows weakly) keeps it for them as long
        # as ``own`` lives. A row the read lags is looked for again when it runs.
        own = task.session.get(Submission, submission_id)
    finally:
        taken = reply()
    batch = {submission_id: True} | dict.fromkeys(taken.held, True)
    for sid in taken.new:
        batch.setdefault(sid, False)
    # More are waiting: another worker can start on them now.
    if taken.kick is not None and not backlog.pass_on(
        holder, taken.kick, lambda sid: send_process(task, sid)
    ):
        batch.setdefault(taken.kick, True)
    order = list(batch.items())
    # A fresh batch records each page's attempt with its outcome, in the commit
    # that stores it. Should the worker die meanwhile, the rerun counts each page
    # as it starts, before its parse, as one task per page did: a page that kills
    # its worker is counted from then on, and uses up no attempts of the others.
    # A rerun holds the batch it took, or its message comes back marked as
    # delivered before (a pool child that died, a worker gone past the visibility
    # timeout): a page alone, which holds nothing, is told a rerun by that mark.
    fresh = not taken.held and not task.request.retries and not _redelivered(task)
    batched: dict[str, Submission] = {}
    if fresh and len(order) > 1:
        # The session holds loaded rows weakly: this keeps them for the batch's runs.
        batched = _load_batch(task, order)
    elif fresh and own is not None and _runs_batched(own, always=True):
        # A page alone: its attempt too is committed with its outcome, one write
        # transaction where a commit of the attempt before the parse made two
        # (measured on a stack, pages posted one at a time: 0.8 ms of the 19 ms
        # from POST to visible).
        batched = {submission_id: own}
    _BatchRun(task, backlog, holder, order, batched).run()
    del own


def _redelivered(task: DbTask) -> bool:
    """Whether the broker gave back the task's message after a delivery that
    was not acknowledged (kombu marks it so when it restores the message)."""
    return bool((task.request.delivery_info or {}).get("redelivered"))


class _BatchRun:
    """Runs a batch's pages in order. The pages of a fresh batch run GROUP_PAGES at a
    time: parsed first, with no write, then stored and committed together. A
    commit writes every database page the transaction changed, so one commit
    for several pages writes what they share once, and SQLite's one writer is
    held only while they are stored. If storing the group raises, it is rolled
    back and its pages run again one at a time, each committed alone, so the
    bad one fails alone as before."""

    def __init__(
        self,
        task: DbTask,
        backlog: Backlog,
        holder: str,
        order: list[tuple[str, bool]],
        batched: dict[str, Submission],
    ) -> None:
        self.task, self.session = task, task.session
        self.backlog, self.holder = backlog, holder
        self.order, self.batched = order, batched
        self.bounds = Bounds.from_settings(task.resources.settings)
        self.zone = task.resources.settings.page_zone
        self.follow = FollowUps()
        self.finished: set[str] = set()
        self.failure: BaseException | None = None

    def run(self) -> None:
        deadline = time.monotonic() + BATCH_SECONDS
        group: list[str] = []
        for i, (sid, always) in enumerate(self.order):
            if i and time.monotonic() > deadline:
                self.run_group(group)
                self.give_back([s for s, _ in self.order[i:]])
                group = []
                break
            if sid in self.batched:
                group.append(sid)
                if len(group) == GROUP_PAGES:
                    self.run_group(group)
                    group = []
                continue
            self.run_group(group)
            group = []
            self.alone(sid, waiting_only=not always)
        self.run_group(group)
        self.follow.send(self.task, self.holder)
        self.backlog.finish(self.holder)
        if self.failure is not None:
            raise self.failure

    def run_group(self, ids: list[str]) -> None:
        prepared: list[Prepared] = []
        # When each page's run began: its attempt's time, recorded with its outcome.
        started: dict[str, datetime] = {}
        for sid in ids:
            with _logging_as(sid):
                try:
                    started[sid] = utcnow()
                    ready = prepare(self.session, sid, self.bounds, counted=True, zone=self.zone)
                except SoftTimeLimitExceeded as exc:
                    self.stopped(sid, exc)
                except Exception as exc:
                    self.failed(sid, exc)
                    continue
            if ready is None:
                self.finished.add(sid)
            else:
                prepared.append(ready)
        outcomes: list[Outcome] = []
        try:
            # One look-up of which of the group's articles are stored, not one a page.
            pages = [(r.sub.source, r.page) for r in prepared if r.page is not None]
            stored = stored_keys(self.session, pages)
            for ready in prepared:
                with _logging_as(ready.sub.id):
                    at = started[ready.sub.id]
                    outcomes.append(
                        store(self.session, ready, commit=False, attempt_at=at, stored=stored)
                    )
            if prepared:
                self.session.commit()
        except SoftTimeLimitExceeded as exc:
            self.stopped(prepared[len(outcomes)].sub.id, exc)
        except Exception:
            self.session.rollback()
            for ready in prepared:
                self.alone(ready.sub.id, waiting_only=False, batched=True)
            return
        for outcome in outcomes:
            self.done(outcome)

    def alone(self, sid: str, *, waiting_only: bool, batched: bool = False) -> None:
        """One page in transactions of its own (``batched``: its attempt is recorded
        with its outcome, as in a group)."""
        with _logging_as(sid):
            try:
                if batched:
                    at = utcnow()
                    ready = prepare(self.session, sid, self.bounds, counted=True, zone=self.zone)
                    outcome = ready and store(self.session, ready, attempt_at=at)
                else:
                    # Held here, the row gave_up loads is the one the run finds in the
                    # session (which holds rows weakly): read once, not twice. Looked
                    # for again a few times if a read lags the row's commit.
                    row = find_submission(self.session, sid)
                    outcome = None
                    if row is not None and not gave_up(self.session, sid):
                        outcome = process_submission(
                            self.session,
                            sid,
                            self.bounds,
                            waiting_only=waiting_only,
                            zone=self.zone,
                        )
                    del row
            except SoftTimeLimitExceeded as exc:
                self.stopped(sid, exc)
            except Exception as exc:
                self.failed(sid, exc)
                return
        self.finished.add(sid)
        if outcome is not None:
            self.done(outcome)

    def done(self, outcome: Outcome) -> None:
        self.finished.add(outcome.submission_id)
        self.follow.add(outcome)
        log.info(
            "submission %s %s: %d new, %d updated, %d unchanged articles",
            outcome.submission_id,
            outcome.status,
            outcome.new,
            outcome.updated,
            outcome.unchanged,
        )

    def failed(self, sid: str, exc: Exception) -> None:
        if isinstance(exc, TRANSIENT_ERRORS) and self.task.request.retries < MAX_RETRIES:
            # The retry runs the whole batch again (held under this task's id).
            self.follow.send(self.task, self.holder)
            raise exc
        record_failure(self.task, sid, exc, count_attempt=sid in self.batched)
        self.finished.add(sid)
        self.failure = self.failure or exc

    def stopped(self, sid: str, exc: SoftTimeLimitExceeded) -> NoReturn:
        """The soft time limit: ``sid`` fails, the pages not run go back, the task ends."""
        self.session.rollback()
        record_failure(self.task, sid, exc, count_attempt=sid in self.batched)
        self.finished.add(sid)
        self.give_back([s for s, _ in self.order if s not in self.finished])
        self.follow.send(self.task, self.holder)
        self.backlog.finish(self.holder)
        raise exc

    def give_back(self, ids: list[str]) -> None:
        """Pages this batch will not run: back to the backlog."""
        give_back(self.task, self.backlog, self.holder, ids)


@contextmanager
def _logging_as(submission_id: str) -> Iterator[None]:
    token = submission_id_var.set(submission_id)
    try:
        yield
    finally:
        submission_id_var.reset(token)


def _load_batch(task: DbTask, order: list[tuple[str, bool]]) -> dict[str, Submission]:
    """Load the batch's submissions in one query: those that will run, by id."""
    rows = task.session.scalars(select(Submission).where(Submission.id.in_([s for s, _ in order])))
    by_id = {sub.id: sub for sub in rows}
    return {
        sid: sub
        for sid, always in order
        if (sub := by_id.get(sid)) is not None and _runs_batched(sub, always)
    }


def _runs_batched(sub: Submission, always: bool) -> bool:
    """Whether a fresh batch runs ``sub`` (``always``: whatever its state)."""
    over = (SubmissionStatus.DONE, SubmissionStatus.FAILED)
    return (always or sub.status not in over) and (
        # One that has used up its attempts is failed by gave_up, alone.
        sub.status == SubmissionStatus.DONE or sub.attempts < MAX_ATTEMPTS
    )


def give_back(task: DbTask, backlog: Backlog, holder: str, ids: list[str]) -> None:
    """Put ``ids`` back at the head of the backlog, and make sure a task will take them."""
    if not ids:
        return
    kick = backlog.offer(ids, holder, front=True)
    if kick is not None:
        try:
            send_process(task, kick)
        except BaseException:
            backlog.release(holder)
            raise
