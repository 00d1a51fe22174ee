"""The web process's copy of stored feeds, so a hit costs no database round trip.

Entries are dropped when the feed worker announces a change (Redis pub/sub)
and, as a fallback for missed announcements, when a periodic look at the
table shows a newer render. Filtered documents live only here, in an LRU
bounded by entries and by bytes, and are dropped with their feed.

Other copies the process keeps (the rates API's ``latest`` answers) ride on
the same watcher: one subscription and one sweep per process, whatever it holds.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

import redis
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from services.feed.serving import StoredFeed
from shared.changes import changes_channel
from shared.db import utcnow
from shared.models import RenderedFeed

log = logging.getLogger(__name__)


def feed_name_of(key: str) -> str:
    """'tag:china.atom?q=x' → 'tag:china'; 'articles/archive/2.rss' → 'articles'."""
    return key.split("/archive/", 1)[0].split("?", 1)[0].rsplit(".", 1)[0]


def held_bytes(feed: StoredFeed) -> int:
    """What holding ``feed`` costs: both encodings of its bytes, and its key."""
    return len(feed.body) + len(feed.body_gzip) + len(feed.key) + 256


class OtherCopy(Protocol):
    """Another copy in this process, kept fresh by the feeds' announcements and sweep."""

    @property
    def name(self) -> str:
        """What an announcement calls it (a key whose feed name is this)."""
        ...

    def forget(self) -> None: ...

    def sweep(self, session: Session) -> None:
        """Drop what the database shows has changed since the last sweep."""
        ...


class FeedMemory:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        client: redis.Redis,
        prefix: str,
        *,
        max_entries: int = 512,
        max_bytes: int = 64 * 1024 * 1024,
        poll_seconds: float = 1.0,
        others: Sequence[OtherCopy] = (),
    ) -> None:
        self._sessions = sessions
        self._client = client
        self._channel = changes_channel(prefix)
        self._others = tuple(others)
        self._entries: OrderedDict[str, StoredFeed] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0
        self._poll = poll_seconds
        self._since: datetime = utcnow()
        self._generation = 0
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def get(self, key: str) -> StoredFeed | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    @property
    def generation(self) -> int:
        """Read before loading from the database; pass to ``put``."""
        return self._generation

    def put(self, feed: StoredFeed, generation: int) -> None:
        """Keep ``feed`` unless something was forgotten since its load began (it may be stale)."""
        with self._lock:
            if generation != self._generation or held_bytes(feed) > self._max_bytes:
                return
            old = self._entries.pop(feed.key, None)
            if old is not None:
                self._bytes -= held_bytes(old)
            self._entries[feed.key] = feed
            self._bytes += held_bytes(feed)
            while len(self._entries) > self._max or self._bytes > self._max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= held_bytes(dropped)

    @property
    def held(self) -> tuple[int, int]:
        """Entries and bytes held now."""
        with self._lock:
            return len(self._entries), self._bytes

    def forget(self, keys: list[str]) -> None:
        names = {feed_name_of(k) for k in keys}
        for other in self._others:
            if other.name in names:
                other.forget()
        with self._lock:
            self._generation += 1
            for key in [k for k in self._entries if feed_name_of(k) in names]:
                self._bytes -= held_bytes(self._entries.pop(key))

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="feed-memory", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _watch(self) -> None:
        pubsub = None
        while not self._stop.is_set():
            try:
                if pubsub is None:
                    pubsub = self._client.pubsub(ignore_subscribe_messages=True)
                    pubsub.subscribe(self._channel)
                message = pubsub.get_message(timeout=self._poll)
                if message is not None:
                    self.forget(_announced_keys(message["data"]))
            except (redis.RedisError, OSError):
                pubsub = None
                self._stop.wait(self._poll)
            self._sweep()

    def _sweep(self) -> None:
        """Drop what the table shows as re-rendered since the last look, and let
        the other copies look for their own changes."""
        started = utcnow()
        try:
            with self._sessions() as session:
                keys = list(
                    session.scalars(
                        select(RenderedFeed.key).where(RenderedFeed.rendered_at >= self._since)
                    )
                )
                for other in self._others:
                    other.sweep(session)
        except Exception:
            log.warning("could not check for changes", exc_info=True)
            # Without a look at the database, a lost announcement would leave
            # the other copies stale for as long as it stays away; they are
            # cheap to rebuild.
            for other in self._others:
                other.forget()
            return
        # Overlap the windows: a render committed just after we looked carries
        # a time from before the look.
        self._since = started - timedelta(seconds=5)
        if keys:
            self.forget(keys)


def _announced_keys(data: bytes | str) -> list[str]:
    """The keys of an announcement; anything else on the channel is logged and ignored."""
    try:
        keys = json.loads(data)
    except ValueError:
        keys = None
    if isinstance(keys, list) and all(isinstance(key, str) for key in keys):
        return keys
    log.warning("ignoring a malformed change announcement: %.200r", data)
    return []
