"""The Celery app factory and the task base class every service's tasks use."""

from __future__ import annotations

import logging
from typing import Any

import redis
from celery import Celery, Task, shared_task
from celery.exceptions import Reject
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import Pool

from shared import broker_guard, contracts
from shared.backlog import Backlog
from shared.db import make_engine, make_session_factory
from shared.redis_client import ProcessClients
from shared.settings import Settings, load_settings

log = logging.getLogger(__name__)


class Resources:
    """Per-process resources, built lazily so a forked worker child opens its own pool."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.redis = ProcessClients(settings)
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.settings.db_url)
        return self._engine

    @property
    def sessions(self) -> sessionmaker[Session]:
        if self._sessions is None:
            self._sessions = make_session_factory(self.engine)
        return self._sessions

    def dispose(self) -> None:
        """Close this process's connections (in the process that opened them)."""
        if self._engine is not None:
            self._engine.dispose()
        self._engine = None
        self._sessions = None

    def after_fork(self) -> None:
        """In a forked worker child: leave the parent's database connections alone.

        A connection inherited through fork must not be used, and closing it is
        using it: closing an inherited SQLite connection can checkpoint and remove
        the write-ahead log other processes are reading (SQLite's "database disk
        image is malformed"), and closing an inherited PostgreSQL one ends the
        parent's session. The parent's pool is kept, never closed, and the child
        opens its own connections. (A worker's main process opens one only to
        record a killed child's failure, ``IngestTask.on_failure``, and closes it
        before it forks the replacement child: this is the second guard.)
        """
        if self._engine is not None:
            _INHERITED_POOLS.append(self._engine.pool)
            self._engine.dispose(close=False)


# Pools a forked child inherited: referenced for the life of the process, so that
# garbage collection never closes their connections in the child either.
_INHERITED_POOLS: list[Pool] = []


class SilkfeedCelery(Celery):
    resources: Resources


def create_celery(name: str, settings: Settings | None = None) -> SilkfeedCelery:
    """A Celery app configured for no loss and JSON only."""
    settings = settings or load_settings()
    broker_guard.install()
    app = SilkfeedCelery(name, broker=settings.redis_url, set_as_current=False)
    app.resources = Resources(settings)
    limit = settings.task_time_limit
    # Longer than the longest task (the hard time limit below) and than the
    # longest retry countdown (120 s): Redis keeps a delivered message
    # "unacknowledged" until the worker acks it, and hands it to another worker
    # once it is older than this — a running task, or a retry waiting out its
    # countdown in the worker, must never get there. It is also how long the
    # task of a worker that was killed outright (kill -9, OOM of the whole
    # container) waits before it is redelivered.
    visibility = settings.visibility_timeout or limit * 4
    app.conf.update(
        # JSON only: a pickle payload from the broker could run code in the worker.
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        # Nothing reads task results; status lives in the database.
        task_ignore_result=True,
        task_routes={name: {"queue": q} for name, q in contracts.TASK_QUEUES.items()},
        # Acknowledge after the task ran, so a worker that dies mid-task leaves
        # the message to be redelivered rather than lost.
        task_acks_late=True,
        # A pool child killed by a signal or the OOM killer counts as not done:
        # the worker's main process requeues its message at once (without this
        # an acks_late task is acknowledged as failed and lost). A page that
        # kills its child every time would loop; the ingest task caps attempts.
        task_reject_on_worker_lost=True,
        # Reserve one message per pool process, so a dying worker strands at
        # most that many and a long task does not hold others back.
        worker_prefetch_multiplier=1,
        # Time limits below the visibility timeout: a task is stopped before
        # Redis would hand its unacknowledged message to another worker. The
        # soft limit raises inside the task, which records the failure; the
        # hard one kills the child if the soft one could not interrupt it.
        task_time_limit=limit,
        task_soft_time_limit=max(limit - 10, 5),
        broker_transport_options=_transport_options(settings, visibility),
        broker_connection_retry_on_startup=True,
        # Fail a publish fast: the caller (the outbox relay) retries later.
        broker_connection_timeout=3,
        worker_concurrency=settings.worker_concurrency,
        # SIGTERM (what `stack down`, docker and Kubernetes send) is Celery's
        # warm shutdown: stop taking messages, finish the tasks that run (each
        # bounded by the time limit; compose's stop_grace_period is longer),
        # give reserved ones back to Redis, exit. The soft shutdown below only
        # applies to a cold shutdown (SIGQUIT, a second Ctrl-C): running tasks
        # get this long, then are cancelled and requeued at once instead of
        # waiting out the visibility timeout. Celery sleeps the whole period
        # whenever a task is running, so it is short, and skipped when idle
        # (reserved messages go back to Redis at shutdown anyway).
        worker_soft_shutdown_timeout=10.0,
        worker_enable_soft_shutdown_on_idle=False,
        # Lost broker connection: running tasks finish and their ack is lost
        # with the connection, so Redis redelivers them after the visibility
        # timeout; the tasks are idempotent, so cancelling them buys nothing.
        worker_cancel_long_running_tasks_on_connection_loss=False,
        worker_hijack_root_logger=False,
        # Task events: three Redis round trips per task on a page's path, for
        # Flower only, which turns them on itself (`enable_events`) while it runs.
        # A "sent" event would add one to every send.
        worker_send_task_events=settings.task_events,
        task_send_sent_event=False,
        broker_connection_max_retries=None,
    )
    return app


def _transport_options(settings: Settings, visibility: int) -> dict[str, Any]:
    """Kombu's Redis transport: when unacknowledged messages come back, and the keys."""
    return {
        "visibility_timeout": visibility,
        # How often a worker looks for messages that outlived the visibility
        # timeout (kombu's default is about every 100 s: 10 s × every 10th
        # poll), so a killed worker's task is back soon after the timeout.
        "unacked_restore_interval": max(1, min(10, visibility // 4)),
        "unacked_restore_throttle": 1,
        # The lock a worker holds while it looks for such messages (milliseconds
        # of work) outlives a worker killed while holding it by this long, not
        # kombu's 5 minutes: until it expires no worker restores anything.
        "unacked_mutex_expire": max(5, min(30, visibility // 2)),
        # Stacks sharing one Redis but not one database keep apart.
        "global_keyprefix": settings.key_prefix,
        # Read by kombu only with a sentinel:// URL: the master to ask the Sentinels for.
        **({"master_name": m} if (m := settings.redis_sentinel_master) else {}),
    }


# Worth retrying: the database or the broker is away for a while. Anything else
# (a bug, a value the database refuses) is not going to get better by waiting.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    BrokerError,
    redis.ConnectionError,
    redis.TimeoutError,
)


# What every silkfeed task runs with. Acknowledged after it ran, so a worker
# that dies mid-task leaves the message to be redelivered; requeued at once
# when its pool child is killed; retried on a transient outage with backoff
# (2, 4, 8 … seconds, with jitter, 8 times: about 6 minutes in all at the
# 120 s cap). Every task is idempotent, so a rerun is harmless.
TASK_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "max_retries": 8,
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
}


def silkfeed_task(name: str, **options: Any) -> Any:
    """Declare a module-level task under its contract name with ``TASK_OPTIONS``.

    A shared task: the worker's app (``services.<name>.worker``) picks it up when
    the tasks module is imported. ``options`` override the shared ones.
    """
    return shared_task(name=name, **{"base": DbTask, **TASK_OPTIONS, **options})


class DbTask(Task):
    """Task base: opens a database session for the run and always closes it.

    The task body commits itself, so that it can send follow-up tasks only
    after its transaction has committed.
    """

    abstract = True
    _session: Session | None = None

    @property
    def resources(self) -> Resources:
        """This process's settings, database sessions and Redis clients."""
        return self.app.resources  # type: ignore[attr-defined,no-any-return]

    def backlog(self, name: str) -> Backlog:
        """This stack's backlog ``name`` (``shared.backlog``), on this process's client."""
        client = self.resources.redis.get(socket_timeout=10)
        return Backlog.of(client, self.resources.settings, name)

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("session is only available while the task runs")
        return self._session

    def retry(self, *args: Any, **kwargs: Any) -> Any:
        # Celery rejects the message *without* requeueing it when the retry
        # cannot be published (the broker is away), which loses an acks_late
        # task. Requeue it instead: if the broker is still away the reject
        # fails too, and Redis hands the message out again after the
        # visibility timeout. Either way it runs again, and tasks are idempotent.
        try:
            return super().retry(*args, **kwargs)
        except Reject as exc:
            if exc.requeue or not isinstance(exc.reason, TRANSIENT_ERRORS):
                raise
            log.warning(
                "could not publish the retry of %s (%s); requeueing it", self.name, exc.reason
            )
            raise Reject(exc.reason, requeue=True) from exc

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._session = self.resources.sessions()
        try:
            return super().__call__(*args, **kwargs)
        finally:
            try:
                self._session.rollback()
            finally:
                self._session.close()
                self._session = None


def payload_brief(payload: dict[str, Any]) -> str:
    """What monitoring shows of a task's payload (Celery's ``kwargsrepr``): its
    plain fields, and how many items each list or mapping holds. Celery's own
    repr walks the whole payload — a page's quotes, a refresh's feed names —
    and cost a quarter of each send."""
    parts = []
    for key, value in payload.items():
        if isinstance(value, (list, tuple, dict)):
            parts.append(f"{key!r}: <{len(value)} items>")
        else:
            text = repr(value)
            parts.append(f"{key!r}: {text if len(text) <= 80 else text[:77] + '...'}")
    return "{" + ", ".join(parts) + "}"


def send(app: Celery, task_name: str, payload: dict[str, Any], **options: Any) -> None:
    """Send a task by its contract name to its queue, with a JSON payload."""
    options.setdefault("argsrepr", "()")
    options.setdefault("kwargsrepr", payload_brief(payload))
    app.send_task(task_name, kwargs=payload, queue=contracts.TASK_QUEUES[task_name], **options)
