"""The rates worker's task: store a ticker snapshot, tell the feed processes, then ask
for the rate feeds."""

from __future__ import annotations

import logging

import redis

from services.rates.store import store_snapshot
from shared import contracts
from shared.celery_app import DbTask, silkfeed_task
from shared.changes import LATEST_RATES, announce
from shared.db import utcnow
from shared.feed_names import FeedSpec
from shared.refresh_queue import request_refresh

log = logging.getLogger(__name__)


def rate_feeds(payload: dict[str, object]) -> list[str]:
    """Every feed a new snapshot can change: all snapshots, moves, and each of its pairs."""
    quotes = payload.get("quotes") or []
    pairs = sorted(
        {FeedSpec.pair(q["base"], q["quote"]).name for q in quotes}  # type: ignore[union-attr,index]
    )
    return [FeedSpec.rates().name, FeedSpec.rate_moves().name, *pairs]


def _announce_latest(task: DbTask) -> None:
    client = task.resources.redis.get(socket_timeout=2, socket_connect_timeout=1)
    try:
        announce(client, task.resources.settings.key_prefix, [LATEST_RATES])
    except redis.RedisError:
        # Not worth a retry: the feed processes' sweep finds the new
        # snapshot within a second anyway.
        log.warning("could not announce the new snapshot", exc_info=True)


@silkfeed_task(contracts.STORE_SNAPSHOT)
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
        _announce_latest(self)
        request_refresh(
            self.app,
            self.resources.redis.get(socket_timeout=10),
            self.resources.settings.key_prefix,
            rate_feeds(payload),
            utcnow(),
            owner=self.request.id or str(result.snapshot_id),
        )
