"""The rates worker's task: store a ticker snapshot, tell the feed processes, then ask
for the rate feeds."""

from __future__ import annotations

import logging
import os

import redis
from celery import Celery

from services.rates.store import store_snapshot
from shared import contracts
from shared.celery_app import TRANSIENT_ERRORS, DbTask, send
from shared.changes import LATEST_RATES, announce
from shared.db import utcnow
from shared.redis_client import settings_client

log = logging.getLogger(__name__)


def rate_feeds(payload: dict[str, object]) -> list[str]:
    """Every feed a new snapshot can change: all snapshots, moves, and each of its pairs."""
    quotes = payload.get("quotes") or []
    pairs = sorted({f"pair:{q['base']}-{q['quote']}" for q in quotes})  # type: ignore[union-attr,index]
    return [contracts.FEED_RATES, contracts.FEED_RATE_MOVES, *pairs]


def register(app: Celery) -> None:
    settings = app.resources.settings  # type: ignore[attr-defined]
    clients: dict[int, redis.Redis] = {}

    def client() -> redis.Redis:
        # One client per process (prefork children must not share a socket).
        pid = os.getpid()
        if pid not in clients:
            clients[pid] = settings_client(settings, socket_timeout=2, socket_connect_timeout=1)
        return clients[pid]

    def announce_latest() -> None:
        try:
            announce(client(), settings.key_prefix, [LATEST_RATES])
        except redis.RedisError:
            # Not worth a retry: the feed processes' sweep finds the new
            # snapshot within a second anyway.
            log.warning("could not announce the new snapshot", exc_info=True)

    @app.task(
        name=contracts.STORE_SNAPSHOT,
        base=DbTask,
        bind=True,
        acks_late=True,
        reject_on_worker_lost=True,
        autoretry_for=TRANSIENT_ERRORS,
        max_retries=8,
        retry_backoff=2,
        retry_backoff_max=120,
        retry_jitter=True,
    )
    def store(self: DbTask, **payload: object) -> None:
        result = store_snapshot(self.session, payload)  # type: ignore[arg-type]
        log.info(
            "snapshot %d for %s: %s, %d quotes, %d conflicting pairs",
            result.snapshot_id,
            payload.get("observed_at"),
            "stored" if result.created else "already stored",
            result.quotes,
            result.conflicts,
        )
        # Also on a rerun by the submission that created it: the first run may
        # have died between its commit and these messages.
        if result.created or result.submission_id == payload.get("submission_id"):
            # Committed by now (store_snapshot commits): /api/v1/rates/latest
            # answers from the feed processes' memory, which drop it on this.
            announce_latest()
            send(
                self.app,
                contracts.REFRESH_FEEDS,
                {"feeds": rate_feeds(payload), "requested_at": utcnow().isoformat()},
            )
