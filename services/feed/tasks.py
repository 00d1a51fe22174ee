"""The feed worker's task: re-render the feeds a change touched, once per burst."""

from __future__ import annotations

import logging
import os
from datetime import datetime

from celery import Celery

from services.feed.coalesce import RenderCoalescer
from services.feed.publish import refresh
from services.feed.websub.hook import documents_changed
from shared import contracts
from shared.celery_app import TRANSIENT_ERRORS, DbTask
from shared.changes import announce
from shared.db import utcnow
from shared.redis_client import settings_client

log = logging.getLogger(__name__)


def register(app: Celery) -> None:
    settings = app.resources.settings  # type: ignore[attr-defined]
    coalescers: dict[int, RenderCoalescer] = {}

    def coalescer() -> RenderCoalescer:
        # One client per process (prefork children must not share a socket).
        pid = os.getpid()
        if pid not in coalescers:
            client = settings_client(settings, socket_timeout=10)
            coalescers[pid] = RenderCoalescer(
                client,
                settings.key_prefix,
                # Kombu's Redis transport keeps a queue's messages in a list
                # named after the queue: its length is the ingest backlog.
                backlog_key=settings.key_prefix + contracts.QUEUE_INGEST,
            )
        return coalescers[pid]

    @app.task(
        name=contracts.REFRESH_FEEDS,
        base=DbTask,
        bind=True,
        acks_late=True,
        reject_on_worker_lost=True,
        autoretry_for=TRANSIENT_ERRORS,
        max_retries=8,
        retry_backoff=2,
        retry_backoff_max=60,
        retry_jitter=True,
    )
    def refresh_feeds(self: DbTask, feeds: list[str], requested_at: str) -> None:
        contracts.check_refresh({"feeds": feeds, "requested_at": requested_at})
        co = coalescer()
        co.mark(feeds, datetime.fromisoformat(requested_at))

        def render(name: str, stamp: datetime) -> None:
            result = refresh(self.session, settings, [name], stamp)
            # Web processes drop their in-memory copies of what changed.
            announce(co.client, settings.key_prefix, result.changed)
            documents_changed(app, self.session, result.changed)
            co.count_renders(result.rendered)

        done = co.drain(render)
        if done is None:
            # Another process is rendering and will pick these feeds up; if it
            # dies first, this follow-up (one per lock period) takes over.
            if co.claim_followup():
                self.apply_async(
                    kwargs={"feeds": [], "requested_at": utcnow().isoformat()},
                    countdown=co.lock_ms / 1000,
                )
            return
        if done:
            log.info("rendered %d feeds: %s", len(done), ", ".join(done))
        if co.pending():
            # The drain stopped at its time bound: a fresh task carries on.
            self.apply_async(kwargs={"feeds": [], "requested_at": utcnow().isoformat()})
