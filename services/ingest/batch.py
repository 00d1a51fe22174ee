"""One ingest task's batch: its own submission, and what it takes from the backlog.

The outbox relay offers committed submissions to the ingest backlog
(``shared.backlog``); only the first of a burst goes out as a task. The task
runs its own submission, then the ones it takes (up to ``task_batch`` in all):
their attempts counted in one transaction, their pages stored and committed a
few at a time, and a group that meets an error run again page by page, so one
bad page fails alone. The follow-ups of the whole batch go out once: one feed
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
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy import select

from services.ingest.failures import MAX_ATTEMPTS, MAX_RETRIES, gave_up, record_failure
from services.ingest.processing import (
    Outcome,
    count_attempts,
    process_submission,
    uncount_attempts,
)
from shared import contracts
from shared.backlog import Backlog
from shared.bounds import Bounds
from shared.celery_app import TRANSIENT_ERRORS, DbTask, send
from shared.db import utcnow
from shared.logs import submission_id_var
from shared.models import Submission, SubmissionStatus
from shared.refresh_queue import request_refresh

log = logging.getLogger(__name__)

# Past this, a batch starts no new page and gives the rest back to the
# backlog, so a burst is shared out among the workers and a batch stays short
# beside the task's time limit.
BATCH_SECONDS = 2.0
# Pages committed together (see _BatchRun).
GROUP_PAGES = 8


def ingest_backlog(task: DbTask) -> Backlog:
    resources = task.resources
    client = resources.redis.get(socket_timeout=10)
    return Backlog.of(client, resources.settings, contracts.BACKLOG_INGEST)


def rates_backlog(task: DbTask) -> Backlog:
    resources = task.resources
    client = resources.redis.get(socket_timeout=10)
    return Backlog.of(client, resources.settings, contracts.BACKLOG_RATES)


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
                headers=headers,
            )
            self.feeds = set()
        if self.snapshots:
            backlog = rates_backlog(task)
            kick = backlog.offer([json.dumps(s) for s in self.snapshots], holder)
            if kick is not None:
                payload = json.loads(kick)
                try:
                    send(
                        task.app,
                        contracts.STORE_SNAPSHOT,
                        payload,
                        headers={"submission_id": payload["submission_id"]},
                    )
                except BaseException:
                    backlog.release(holder)
                    raise
            self.snapshots = []


def run_batch(task: DbTask, submission_id: str) -> None:
    """Run ``submission_id`` and a batch from the backlog (see the module doc)."""
    settings = task.resources.settings
    backlog = ingest_backlog(task)
    holder = task.request.id or submission_id
    taken = backlog.take(holder, settings.task_batch - 1)
    batch = {submission_id: True} | dict.fromkeys(taken.held, True)
    for sid in taken.new:
        batch.setdefault(sid, False)
    if taken.kick is not None:
        # More are waiting: another worker can start on them now.
        try:
            send_process(task, taken.kick)
        except Exception:
            log.warning("could not send the ingest backlog's next task; running it here")
            backlog.release(holder)
            batch.setdefault(taken.kick, True)
        else:
            backlog.forget(holder, taken.kick)
    order = list(batch.items())
    # A rerun counts each page as it starts, as one task per page did: a page
    # that kills its worker must not use up the attempts of those after it.
    fresh = not taken.held and not task.request.retries
    # The session holds loaded rows weakly: this keeps them for the batch's runs.
    counted = _count_batch(task, order) if fresh and len(order) > 1 else {}
    _BatchRun(task, backlog, holder, order, counted).run()


class _BatchRun:
    """Runs a batch's pages in order. Pages counted at the start are committed
    GROUP_PAGES at a time: a commit writes every database page it changed, so
    one commit for several pages writes the pages they share once. If one of
    them raises, the group is rolled back and its pages run again one at a time,
    each committed alone, so the bad one fails alone as before."""

    def __init__(
        self,
        task: DbTask,
        backlog: Backlog,
        holder: str,
        order: list[tuple[str, bool]],
        counted: dict[str, Submission],
    ) -> None:
        self.task, self.session = task, task.session
        self.backlog, self.holder = backlog, holder
        self.order, self.counted = order, counted
        self.bounds = Bounds.from_settings(task.resources.settings)
        self.follow = FollowUps()
        self.group: list[str] = []  # run, not yet committed
        self.outcomes: list[Outcome] = []  # theirs
        self.failure: BaseException | None = None

    def run(self) -> None:
        deadline = time.monotonic() + BATCH_SECONDS
        for i, (sid, always) in enumerate(self.order):
            if i and time.monotonic() > deadline:
                self.commit_group()
                self.give_back([s for s, _ in self.order[i:]])
                break
            self.step(sid, always, [s for s, _ in self.order[i + 1 :]])
        self.commit_group()
        self.follow.send(self.task, self.holder)
        self.backlog.finish(self.holder)
        if self.failure is not None:
            raise self.failure

    def step(self, sid: str, always: bool, rest: list[str]) -> None:
        grouped = sid in self.counted
        if not grouped:
            self.commit_group()  # its failure would roll back the group
        try:
            outcome = _run_one(
                self.task,
                sid,
                self.bounds,
                waiting_only=not always,
                counted=grouped,
                commit=not grouped,
            )
        except SoftTimeLimitExceeded as exc:
            self.session.rollback()
            record_failure(self.task, sid, exc)
            self.give_back([s for s in self.group if s != sid] + rest)
            self.follow.send(self.task, self.holder)
            self.backlog.finish(self.holder)
            raise
        except Exception as exc:
            if grouped:
                self.session.rollback()
                redo, self.group, self.outcomes = [*self.group, sid], [], []
                for again in redo:
                    self.alone(again, rest)
            else:
                self.failed(sid, exc)
            return
        if grouped:
            self.group.append(sid)
            self.outcomes += [outcome] if outcome is not None else []
            if len(self.group) >= GROUP_PAGES:
                self.commit_group()
        elif outcome is not None:
            self.follow.add(outcome)

    def alone(self, sid: str, rest: list[str]) -> None:
        """A counted page run again in a transaction of its own."""
        try:
            outcome = _run_one(self.task, sid, self.bounds, waiting_only=False, counted=True)
        except SoftTimeLimitExceeded as exc:
            record_failure(self.task, sid, exc)
            self.give_back(rest)
            self.follow.send(self.task, self.holder)
            self.backlog.finish(self.holder)
            raise
        except Exception as exc:
            self.failed(sid, exc)
            return
        if outcome is not None:
            self.follow.add(outcome)

    def failed(self, sid: str, exc: Exception) -> None:
        if isinstance(exc, TRANSIENT_ERRORS) and self.task.request.retries < MAX_RETRIES:
            # The retry runs the whole batch again (held under this task's id).
            self.follow.send(self.task, self.holder)
            raise exc
        record_failure(self.task, sid, exc)
        self.failure = self.failure or exc

    def commit_group(self) -> None:
        if not self.group:
            return
        try:
            self.session.commit()
        except Exception:
            # Nothing of the group is stored; the retry runs it again.
            self.session.rollback()
            self.follow.send(self.task, self.holder)
            raise
        for outcome in self.outcomes:
            self.follow.add(outcome)
        self.group, self.outcomes = [], []

    def give_back(self, ids: list[str]) -> None:
        """Pages this batch will not run: uncounted, and back to the backlog."""
        uncount_attempts(self.session, [self.counted[s] for s in ids if s in self.counted])
        give_back(self.task, self.backlog, self.holder, ids)


def _count_batch(task: DbTask, order: list[tuple[str, bool]]) -> dict[str, Submission]:
    """Load the batch's submissions in one query and count an attempt for each that
    will run, in one transaction: those counted, by id."""
    session = task.session
    rows = session.scalars(select(Submission).where(Submission.id.in_([s for s, _ in order])))
    by_id = {sub.id: sub for sub in rows}
    over = (SubmissionStatus.DONE, SubmissionStatus.FAILED)
    runs = [
        sub
        for sid, always in order
        if (sub := by_id.get(sid)) is not None
        and (always or sub.status not in over)
        # One that has used up its attempts is failed by gave_up, uncounted.
        and (sub.status == SubmissionStatus.DONE or sub.attempts < MAX_ATTEMPTS)
    ]
    count_attempts(session, runs)
    return {sub.id: sub for sub in runs}


def _run_one(
    task: DbTask,
    sid: str,
    bounds: Bounds,
    *,
    waiting_only: bool,
    counted: bool,
    commit: bool = True,
) -> Outcome | None:
    token = submission_id_var.set(sid)
    try:
        if not counted and gave_up(task.session, sid):
            return None
        outcome = process_submission(
            task.session, sid, bounds, waiting_only=waiting_only, counted=counted, commit=commit
        )
        if outcome is not None:
            log.info(
                "submission %s %s: %d new, %d updated, %d unchanged articles",
                sid,
                outcome.status,
                outcome.new,
                outcome.updated,
                outcome.unchanged,
            )
        return outcome
    finally:
        submission_id_var.reset(token)


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
