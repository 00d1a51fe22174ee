"""Feeds whose render failed: recorded in Redis, retried after a growing backoff.

A render that raises (a value no renderer expected, a bug) must not stop the
other feeds: the failing feed stays dirty, is skipped until its backoff has
passed, and is visible in the log, in ``/metrics``
(``silkfeed_feed_render_failures_total``, ``silkfeed_feed_render_failing``)
and in ``silkfeed stats``. A successful render clears the record.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime

import redis

FIRST_BACKOFF = 5.0  # seconds after the first failure
MAX_BACKOFF = 600.0
# Feeds readers subscribe to first, then the per-pair and per-tag feeds, which
# a single article can touch by the dozen.
_PRIORITY = {"articles": 0, "source": 1, "rates": 2, "rates-moves": 2, "pair": 3, "tag": 4}


def render_priority(item: tuple[str, str]) -> tuple[int, float, str]:
    """Sort key of a dirty feed ``(name, stamp)``: most read first, then the newest
    change first, then by name.

    Only subscription documents are ever dirty: archive pages are rendered on
    their first request and never change, so they never wait in front of one.
    """
    name, stamp = item
    try:
        changed = datetime.fromisoformat(stamp).timestamp()
    except ValueError:
        changed = 0.0  # unreadable: as if the oldest change
    return _PRIORITY.get(name.partition(":")[0], 5), -changed, name


def failures_key(prefix: str) -> str:
    return f"{prefix}feeds:failing"


def failure_counts_key(prefix: str) -> str:
    return f"{prefix}feeds:render-failures"


@dataclass(frozen=True, slots=True)
class Failure:
    feed: str
    count: int  # failures in a row
    error: str
    failed_at: float  # epoch seconds
    retry_at: float  # epoch seconds

    @property
    def backoff(self) -> int:
        return round(self.retry_at - self.failed_at)


def backoff_after(count: int) -> float:
    return min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (count - 1))


class RenderFailures:
    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client = client
        self.key = failures_key(prefix)
        self.counts_key = failure_counts_key(prefix)

    def record(self, feed: str, exc: BaseException) -> Failure:
        previous = self.get(feed)
        count = (previous.count if previous else 0) + 1
        now = time.time()
        failure = Failure(
            feed, count, f"{type(exc).__name__}: {str(exc)[:300]}", now, now + backoff_after(count)
        )
        doc = {
            "count": failure.count,
            "error": failure.error,
            "failed_at": now,
            "retry_at": failure.retry_at,
        }
        pipe = self.client.pipeline()
        pipe.hset(self.key, feed, json.dumps(doc))
        pipe.hincrby(self.counts_key, feed, 1)
        pipe.execute()
        return failure

    def clear(self, feed: str) -> None:
        self.client.hdel(self.key, feed)

    def get(self, feed: str) -> Failure | None:
        raw = self.client.hget(self.key, feed)
        return _parse(feed, raw) if raw is not None else None

    def all(self) -> list[Failure]:
        return sorted(
            (_parse(k.decode(), v) for k, v in self.client.hgetall(self.key).items()),
            key=lambda f: f.feed,
        )

    def due(self, dirty: dict[str, str], raw: dict[bytes, bytes] | None = None) -> dict[str, str]:
        """The dirty feeds that are not waiting out a backoff (``raw``: this hash,
        when the caller read it already, in the same round trip as ``dirty``)."""
        if raw is None:
            raw = self.client.hgetall(self.key)
        failing = {k.decode(): _parse(k.decode(), v) for k, v in raw.items()}
        if not failing:
            return dirty
        now = time.time()
        return {n: s for n, s in dirty.items() if n not in failing or failing[n].retry_at <= now}

    def next_retry_in(self, dirty: list[str]) -> float | None:
        waits = [f.retry_at - time.time() for f in self.all() if f.feed in dirty]
        return max(0.0, min(waits)) if waits else None


def _parse(feed: str, raw: bytes) -> Failure:
    doc = json.loads(raw)
    return Failure(feed, int(doc["count"]), str(doc["error"]), doc["failed_at"], doc["retry_at"])
