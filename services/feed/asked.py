"""The feed documents readers have asked for, so that a change renders them first.

Every feed is published in three formats and the worker renders all of them
when it changes, but a reader polls one: the one its subscription names. Each
web process notes the subscription documents it serves in a Redis set
(``feeds:asked``), once per key every ``REMIND_SECONDS`` (so a set lost with a
Redis restart fills again). The feed worker reads the set in the round trip
that takes its lock, and a feed holding some of those documents renders them
first, committing and announcing them before it renders its other formats
(``publish.refresh``). Only the order changes: every format is still rendered
on every change, so validators, 304s and pushes are as before.
"""

from __future__ import annotations

import logging
import threading
import time

import redis

log = logging.getLogger(__name__)

REMIND_SECONDS = 600.0
# After a note failed (Redis away), none is tried for this long: a reader's
# request would otherwise wait out a connection timeout for a note.
QUIET_SECONDS = 30.0


def asked_key(prefix: str) -> str:
    return f"{prefix}feeds:asked"


class AskedNotes:
    """A web process's notes of the documents it served (one SADD per key per period)."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._client = client
        self._key = asked_key(prefix)
        self._noted: dict[str, float] = {}
        self._quiet_until = 0.0
        self._lock = threading.Lock()

    def note(self, key: str) -> None:
        """``key`` (a stored subscription document) was served."""
        now = time.monotonic()
        with self._lock:
            if now < self._quiet_until:
                return
            last = self._noted.get(key)
            if last is not None and now - last < REMIND_SECONDS:
                return
            self._noted[key] = now
        try:
            self._client.sadd(self._key, key)
        except redis.RedisError:
            # Only the order of a later render depends on it: note it next time.
            log.debug("could not note %s as asked for", key, exc_info=True)
            with self._lock:
                self._noted.pop(key, None)
                self._quiet_until = time.monotonic() + QUIET_SECONDS
