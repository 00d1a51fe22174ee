"""The feed worker's task: re-render the feeds a change touched, once per burst."""

from __future__ import annotations

import logging
from datetime import datetime

from celery import Celery
from sqlalchemy.exc import DBAPIError, OperationalError

from services.feed.publish import refresh
from shared import contracts
from shared.celery_app import DbTask

log = logging.getLogger(__name__)


def register(app: Celery) -> None:
    @app.task(
        name=contracts.REFRESH_FEEDS,
        base=DbTask,
        bind=True,
        acks_late=True,
        reject_on_worker_lost=True,
        autoretry_for=(OperationalError, DBAPIError, ConnectionError),
        max_retries=8,
        retry_backoff=2,
        retry_backoff_max=60,
        retry_jitter=True,
    )
    def refresh_feeds(self: DbTask, feeds: list[str], requested_at: str) -> None:
        contracts.check_refresh({"feeds": feeds, "requested_at": requested_at})
        settings = self.app.resources.settings  # type: ignore[attr-defined]
        done = refresh(self.session, settings, feeds, datetime.fromisoformat(requested_at))
        log.info("rendered %d of %d requested feeds: %s", len(done), len(feeds), ", ".join(done))
