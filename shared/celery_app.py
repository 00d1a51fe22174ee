"""The Celery app factory and the task base class every service's tasks use."""

from __future__ import annotations

from typing import Any

from celery import Celery, Task
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from shared import contracts
from shared.db import make_engine, make_session_factory
from shared.settings import Settings, load_settings


class Resources:
    """Per-process resources, built lazily so a forked worker child opens its own pool."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
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
        if self._engine is not None:
            self._engine.dispose()
        self._engine = None
        self._sessions = None


class SilkfeedCelery(Celery):
    resources: Resources


def create_celery(name: str, settings: Settings | None = None) -> SilkfeedCelery:
    """A Celery app configured for no loss and JSON only."""
    settings = settings or load_settings()
    app = SilkfeedCelery(name, broker=settings.redis_url, set_as_current=False)
    app.resources = Resources(settings)
    limit = settings.task_time_limit
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
        # A child killed by a signal or OOM counts as not done: requeue its task.
        task_reject_on_worker_lost=True,
        # Reserve one message at a time, so a dying worker strands at most one
        # task and a long task does not hold others back.
        worker_prefetch_multiplier=1,
        # Time limits below the visibility timeout: a task is killed before
        # Redis would hand its unacknowledged message to another worker.
        task_time_limit=limit,
        task_soft_time_limit=max(limit - 10, 5),
        broker_transport_options={
            "visibility_timeout": limit * 4,
            # Stacks sharing one Redis but not one database keep apart.
            "global_keyprefix": settings.key_prefix,
        },
        broker_connection_retry_on_startup=True,
        # Fail a publish fast: the caller (the outbox relay) retries later.
        broker_connection_timeout=3,
        worker_concurrency=settings.worker_concurrency,
        # On SIGTERM keep running the current task this long before requeueing it.
        worker_soft_shutdown_timeout=float(limit),
        worker_enable_soft_shutdown_on_idle=True,
        worker_hijack_root_logger=False,
        worker_send_task_events=True,
        task_send_sent_event=True,
        broker_connection_max_retries=None,
    )
    return app


class DbTask(Task):
    """Task base: opens a database session for the run and always closes it.

    The task body commits itself, so that it can send follow-up tasks only
    after its transaction has committed.
    """

    abstract = True
    _session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("session is only available while the task runs")
        return self._session

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        resources: Resources = self.app.resources  # type: ignore[attr-defined]
        self._session = resources.sessions()
        try:
            return super().__call__(*args, **kwargs)
        finally:
            try:
                self._session.rollback()
            finally:
                self._session.close()
                self._session = None


def send(app: Celery, task_name: str, payload: dict[str, Any], **options: Any) -> None:
    """Send a task by its contract name to its queue, with a JSON payload."""
    app.send_task(task_name, kwargs=payload, queue=contracts.TASK_QUEUES[task_name], **options)
