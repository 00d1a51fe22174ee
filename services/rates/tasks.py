"""The rates worker's task: store a ticker snapshot, tell the feed processes, then ask
for the rate feeds."""

from __future__ import annotations

import json
import logging
from typing import Any

import redis

from services.rates.store import MALFORMED, store_snapshots
from shared import contracts
from shared.backlog import Backlog
from shared.celery_app import DbTask, send, silkfeed_task
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


def _take(task: DbTask, backlog: Backlog, holder: str) -> list[str]:
    """The snapshots this run stores besides its own (``shared.backlog``)."""
    taken = backlog.take(holder, task.resources.settings.task_batch - 1)
    items = taken.items
    # More are waiting: another worker can start on them now.
    if taken.kick is not None and not backlog.pass_on(
        holder, taken.kick, lambda raw: _send(task, raw)
    ):
        items.append(taken.kick)
    return items


def _send(task: DbTask, raw: str) -> None:
    payload = json.loads(raw)
    send(task.app, contracts.STORE_SNAPSHOT, payload, headers=_headers(payload))


def _headers(payload: dict[str, Any]) -> dict[str, Any]:
    return {"submission_id": payload.get("submission_id")}


@silkfeed_task(contracts.STORE_SNAPSHOT)
def store(self: DbTask, **payload: Any) -> None:
    """Store this snapshot and a batch of the ones waiting in the rates backlog, in one
    transaction; then tell the feed processes and ask for the rate feeds once for all
    of them."""
    backlog = self.backlog(contracts.BACKLOG_RATES)
    holder = self.request.id or str(payload.get("submission_id"))
    snapshots: list[Any] = [payload]
    for item in _take(self, backlog, holder):
        try:
            snapshots.append(json.loads(item))
        except MALFORMED as exc:
            log.error("dropped a malformed snapshot from the rates backlog: %s", exc)
    feeds: set[str] = set()
    own_error: Exception | None = None
    for i, (snapshot, result) in enumerate(
        zip(snapshots, store_snapshots(self.session, snapshots), strict=True)
    ):
        if isinstance(result, Exception):
            if i == 0:
                own_error = result
            else:
                log.error("dropped a malformed snapshot from the rates backlog: %s", result)
            continue
        log.info(
            "snapshot %d for %s: %s, %d quotes, %d conflicting pairs",
            result.snapshot_id,
            snapshot.get("observed_at"),
            "stored" if result.created else "already stored",
            result.quotes,
            result.conflicts,
        )
        # Also on a rerun by the submission that created it: the first run may
        # have died between its commit and these messages.
        if result.created or result.submission_id == snapshot.get("submission_id"):
            feeds.update(rate_feeds(snapshot))
    if feeds:
        # Committed by now (store_snapshots commits): /api/v1/rates/latest
        # answers from the feed processes' memory, which drop it on this.
        _announce_latest(self)
        request_refresh(
            self.app,
            self.resources.redis.get(socket_timeout=10),
            self.resources.settings.key_prefix,
            sorted(feeds),
            utcnow(),
            owner=holder,
            backlog=backlog.list_key,
        )
    backlog.finish(holder)
    if own_error is not None:
        raise own_error
