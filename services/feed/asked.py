"""The feed documents readers have asked for, so that a change renders them first.

Every feed is published in three formats and the worker renders each stored
one when it changes, but a reader polls one: the one its subscription names. Each
web process notes the subscription documents it serves in a Redis sorted set
(``feeds:asked-at``, scored by the time noted), once per key every
``REMIND_SECONDS`` (so a set lost with a Redis restart fills again). The feed
worker reads the set in the round trip that takes its lock, dropping the keys
nobody asked for in ``FORGET_SECONDS`` (so it holds what is read, not every
feed ever served), and a feed holding some of those documents renders them
first, committing, announcing and pushing them before it renders its other
formats (``publish.refresh``). Only the order changes: every stored format is
still rendered on every change, so validators, 304s and pushes are as before.

A note never holds a reader up: the web process's client for it gives up
after ``NOTE_TIMEOUT`` without retrying, one note is in flight at a time (the
others are made on a later request), and after a failed one none is tried
for ``QUIET_SECONDS``.
"""

from __future__ import annotations

import logging
import threading
import time

import redis

log = logging.getLogger(__name__)

REMIND_SECONDS = 600.0
# Keys not noted for this long are no longer read first (the claim drops them).
FORGET_SECONDS = 86_400
# After a note failed (Redis away), none is tried for this long.
QUIET_SECONDS = 30.0
# The longest a note may take (connecting, then the reply), with no retry.
NOTE_TIMEOUT = 0.25
# Keys remembered as noted in a web process; past this, the stale ones go.
MAX_NOTED = 10_000


def asked_key(prefix: str) -> str:
    return f"{prefix}feeds:asked-at"


class AskedNotes:
    """A web process's notes of the documents it served (one ZADD per key per period).

    ``client`` should fail fast (``NOTE_TIMEOUT``, no retries): a note is made
    on a reader's request.
    """

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._client = client
        self._key = asked_key(prefix)
        self._noted: dict[str, float] = {}
        self._quiet_until = 0.0
        self._in_flight = False
        self._lock = threading.Lock()

    def note(self, key: str) -> None:
        """``key`` (a stored subscription document) was served."""
        now = time.monotonic()
        with self._lock:
            if self._in_flight or now < self._quiet_until:
                return
            last = self._noted.get(key)
            if last is not None and now - last < REMIND_SECONDS:
                return
            if len(self._noted) >= MAX_NOTED:
                # Stale ones first; if all are recent, all (they are noted again).
                self._noted = {k: t for k, t in self._noted.items() if now - t < REMIND_SECONDS}
                if len(self._noted) >= MAX_NOTED:
                    self._noted.clear()
            self._noted[key] = now
            self._in_flight = True
        failed = False
        try:
            self._client.zadd(self._key, {key: time.time()})
        except redis.RedisError:
            # Only the order of a later render depends on it: note it next time.
            log.debug("could not note %s as asked for", key, exc_info=True)
            failed = True
        finally:
            with self._lock:
                self._in_flight = False
                if failed:
                    self._noted.pop(key, None)
                    self._quiet_until = time.monotonic() + QUIET_SECONDS
