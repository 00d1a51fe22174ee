"""What every worker process does at start: logging, and submission ids in logs."""

from __future__ import annotations

import logging
import os
import time
from typing import Any

import redis
from celery import Celery, signals
from sqlalchemy.engine import make_url
from sqlalchemy.orm import configure_mappers

from shared import soft_limit_guard
from shared.db import insert_of
from shared.heartbeat import install_heartbeat
from shared.logs import configure_logging, submission_id_var
from shared.task_metrics import TaskMetrics

log = logging.getLogger(__name__)


def prepare_worker(app: Celery, service: str) -> None:
    settings = app.resources.settings  # type: ignore[attr-defined]
    soft_limit_guard.install()
    # Before the pool forks: the models' mappers are configured and the
    # database's dialect imported once here, not by each pool process at its
    # first task (a tenth of a second each, inside the first task's run).
    configure_mappers()
    insert_of(make_url(settings.db_url).get_backend_name())

    @signals.setup_logging.connect(weak=False)
    def _logging(**_: Any) -> None:
        # Connecting here stops Celery from installing its own handlers.
        configure_logging(service, settings)

    @signals.worker_process_init.connect(weak=False)
    def _fresh_pool(**_: Any) -> None:
        # A forked child must not share the parent's database connections.
        app.resources.after_fork()  # type: ignore[attr-defined]

    install_heartbeat(app, settings.heartbeat_file)

    ready_file = settings.run_dir / f"{service}.ready" if settings.run_dir else None

    @signals.worker_ready.connect(weak=False)
    def _ready(**_: Any) -> None:
        if ready_file is not None:
            ready_file.write_text(str(os.getpid()))

    @signals.worker_shutdown.connect(weak=False)
    def _not_ready(**_: Any) -> None:
        if ready_file is not None:
            ready_file.unlink(missing_ok=True)

    started: dict[str, float] = {}

    def task_metrics() -> TaskMetrics:
        # This pool process's own client (prefork children must not share a socket).
        client = app.resources.redis.get(socket_timeout=2)  # type: ignore[attr-defined]
        return TaskMetrics(client, settings.key_prefix)

    @signals.task_prerun.connect(weak=False)
    def _start_clock(task_id: str = "", **_: Any) -> None:
        started[task_id] = time.monotonic()

    @signals.task_postrun.connect(weak=False)
    def _record(task_id: str = "", task: Any = None, state: str | None = None, **_: Any) -> None:
        begun = started.pop(task_id, None)
        seconds = time.monotonic() - begun if begun is not None else None
        try:
            task_metrics().record(task.name if task else "unknown", state or "UNKNOWN", seconds)
        except redis.RedisError:
            log.warning("could not record task metrics", exc_info=True)

    @signals.task_prerun.connect(weak=False)
    def _bind_submission(task: Any = None, **_: Any) -> None:
        sid = getattr(task.request, "submission_id", None) if task else None
        if sid is None and task is not None:
            sid = (
                (task.request.headers or {}).get("submission_id") if task.request.headers else None
            )
        submission_id_var.set(sid)

    @signals.task_postrun.connect(weak=False)
    def _unbind_submission(**_: Any) -> None:
        submission_id_var.set(None)
