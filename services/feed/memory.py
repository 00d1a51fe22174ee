"""The web process's copy of stored feeds, so a hit costs no database round trip.

Entries are dropped when the feed worker announces a change (Redis pub/sub)
and, as a fallback for missed announcements, when a periodic look at the
table shows a newer render. Filtered documents live only here, in an LRU
bounded by entries and by bytes, and are dropped with their feed.

An announced document that a reader was served since its copy was loaded is
loaded again by the watcher at once, so the next poll is answered from memory
instead of waiting on the database: a reader of a feed sees its change as soon
as the announcement has arrived. A copy nobody asked for is only dropped: the
watcher never reads more than the requests it saves.

Other copies the process keeps (the rates API's ``latest`` answers) ride on
the same watcher: one subscription and one sweep per process, whatever it holds.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

import redis
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, sessionmaker

from services.feed.copies import copy_of, feed_name_of, held_bytes, holds, newer, older
from services.feed.serving import StoredFeed
from services.feed.stale_notes import StaleNotes
from shared import ahead_wait
from shared.changes import ChangedDocument, changes_channel, decode, decode_stale
from shared.commit_watch import CommitWatch
from shared.db import utcnow
from shared.models import RenderedFeed

log = logging.getLogger(__name__)

# Feed names whose last forget is remembered (``put``); beyond it, all of them
# count as forgotten now: a load in flight is then dropped, never kept stale.
_MAX_FORGOTTEN = 4096
# A stale note is acted on for this long: by then the feed worker has rendered
# the change (or failed to, and will again), and announced it.
STALE_NOTE_SECONDS = 60.0

# An announced document, read again (built once: it runs on every announcement).
_LOAD = select(
    RenderedFeed.key,
    RenderedFeed.content_type,
    RenderedFeed.body,
    RenderedFeed.etag,
    RenderedFeed.last_modified,
    RenderedFeed.rendered_at,
    RenderedFeed.as_of,
).where(RenderedFeed.key.in_(bindparam("keys", expanding=True)))
# What a sweep reads: the renders since its window's start (built once: it runs
# every poll interval in every web process).
_SWEPT = select(RenderedFeed.key, RenderedFeed.rendered_at).where(
    RenderedFeed.rendered_at >= bindparam("since")
)


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
        sqlite_file: str | None = None,
    ) -> None:
        self._sessions = sessions
        self._client = client
        self._prefix, self._channel = prefix, changes_channel(prefix)
        self._others = tuple(others)
        self._entries: OrderedDict[str, StoredFeed] = OrderedDict()
        self._lock = threading.Lock()
        # Notified on each copy put: requests wait on it for a new one (``awaited``).
        self._put = threading.Condition(self._lock)
        self._max = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0
        self._poll = poll_seconds
        self._since: datetime = utcnow()
        # What the last sweep saw (key → render time): a render is acted on once.
        self._seen: dict[str, datetime] = {}
        self._generation = 0
        # Per feed name, the generation that last forgot it: a load races only
        # with a change to its own feed. Names not here: forgotten at _floor.
        self._forgotten: dict[str, int] = {}
        self._floor = 0
        # Held keys served since their copy was put: an announcement reloads these.
        self._served: set[str] = set()
        # Told of the polled copies a stale note made old, and its reply token.
        self.on_stale: Callable[[list[StoredFeed], str | None], None] | None = None
        self.stale = StaleNotes()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        # A sweep runs only when something was committed since the last one.
        self._changes = CommitWatch(sqlite_file)

    def get(self, key: str) -> StoredFeed | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self._served.add(key)
            return found

    def newer_than(self, held: StoredFeed, timeout: float) -> StoredFeed | None:
        """The copy of ``held``'s document once another is put in its place, or after
        ``timeout`` seconds the one held then (None if none is)."""
        deadline = time.monotonic() + timeout
        with self._put:
            while (found := self._entries.get(held.key)) is held or found is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._put.wait(left)
            if found is not None:
                self._entries.move_to_end(held.key)
                self._served.add(held.key)
            return found

    @property
    def generation(self) -> int:
        """Read before loading from the database; pass to ``put``."""
        return self._generation

    def put(self, feed: StoredFeed, generation: int) -> None:
        """Keep ``feed`` unless its feed was forgotten since its load began (it may be stale)."""
        with self._lock:
            forgotten = self._forgotten.get(feed_name_of(feed.key), self._floor)
            if forgotten > generation or held_bytes(feed) > self._max_bytes:
                return
            held = self._entries.get(feed.key)
            if held is not None and older(feed, held):
                # A copy put meanwhile (a request's load) is newer: the table's
                # as_of only grows, so this one is stale.
                return
            old = self._entries.pop(feed.key, None)
            if old is not None:
                self._bytes -= held_bytes(old)
            self._entries[feed.key] = feed
            self._bytes += held_bytes(feed)
            self._served.discard(feed.key)
            self._put.notify_all()
            while len(self._entries) > self._max or self._bytes > self._max_bytes:
                key, dropped = self._entries.popitem(last=False)
                self._bytes -= held_bytes(dropped)
                self._served.discard(key)

    @property
    def held(self) -> tuple[int, int]:
        """Entries and bytes held now."""
        with self._lock:
            return len(self._entries), self._bytes

    def forget(
        self, keys: list[str], *, drop: bool = True, keep: Collection[str] = ()
    ) -> None:
        """Drop the copies of these keys' feeds (but those in ``keep``); loads of
        them under way are not kept.

        With ``drop=False`` only the loads under way are refused.
        """
        names = {feed_name_of(k) for k in keys}
        for other in self._others:
            if drop and other.name in names:
                other.forget()
        with self._lock:
            self._generation += 1
            if len(self._forgotten) + len(names) > _MAX_FORGOTTEN:
                self._forgotten.clear()
                self._floor = self._generation
            self._forgotten.update(dict.fromkeys(names, self._generation))
            if not drop:
                return
            for key in [k for k in self._entries if feed_name_of(k) in names and k not in keep]:
                self._bytes -= held_bytes(self._entries.pop(key))
                self._served.discard(key)

    def note_stale(self, names: list[str], at: datetime) -> list[StoredFeed]:
        """A stale note (``stale_notes``): these feeds changed at ``at``. Returns
        the held copies of their documents that predate it and that a reader was
        served since they were put (a reader polls them)."""
        self.stale.note(names, at)
        with self._lock:
            polled = [self._entries[key] for key in self._served if key in self._entries]
        return [feed for feed in polled if self.stale_at(feed) is not None]

    def stale_at(self, feed: StoredFeed) -> datetime | None:
        """The noted change this held copy predates, if any (``StaleNotes.stale_at``)."""
        if not self.stale.noted:
            return None
        return self.stale.stale_at(feed_name_of(feed.key), feed.key, feed.as_of)

    def refresh(self, keys: list[str], documents: Sequence[ChangedDocument] = ()) -> int:
        """An announcement: drop the copies of these keys' feeds (``forget``), then
        load again the announced documents a reader was served from memory since
        their copy was put. Returns how many were loaded.

        A document the announcement carries (``documents``) is taken from it
        when it is newer than the copy it replaces (a larger ``as_of``: renders
        are announced after their commit, but two renderers' announcements may
        cross); the others are read from the database.
        """
        with self._lock:
            # A copy as new as the announced document (this process rendered it
            # on a request) is kept.
            kept = {doc.key for doc in documents if holds(self._entries.get(doc.key), doc)}
            wanted = {k: self._entries[k] for k in keys if k in self._served and k not in kept}
        self.forget(keys, keep=kept)
        if not wanted:
            return 0
        generation = self._generation
        carried = [doc for doc in documents if doc.key in wanted and newer(doc, wanted[doc.key])]
        taken = {doc.key for doc in carried}
        rest = [key for key in wanted if key not in taken]
        # The rows _LOAD reads hold a ChangedDocument's fields, in its order.
        loaded = [ChangedDocument(*row) for row in self._load(rest)] if rest else []
        for doc in carried + loaded:
            self.put(copy_of(doc, wanted[doc.key]), generation)
        return len(carried) + len(loaded)

    def _load(self, keys: list[str]) -> Sequence[Any]:
        try:
            with self._sessions() as session:
                return session.execute(_LOAD, {"keys": keys}).all()
        except Exception:
            # The next request loads the document itself.
            log.warning("could not load announced feeds again", exc_info=True)
            return []

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="feed-memory", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _watch(self) -> None:
        pubsub = None
        # The sweep runs once per poll interval, not after each announcement:
        # a render announces several feeds in a row, and each look at the
        # table would hold up the next announcement.
        next_sweep = time.monotonic()
        while not self._stop.is_set():
            try:
                if pubsub is None:
                    pubsub = self._client.pubsub(ignore_subscribe_messages=True)
                    pubsub.subscribe(self._channel)
                wait = max(0.0, next_sweep - time.monotonic())
                message = pubsub.get_message(timeout=wait)
                if message is not None:
                    self._heard(message["data"])
            except (redis.RedisError, OSError):
                pubsub = None
                self._stop.wait(self._poll)
            except Exception:
                # Whatever one announcement does, the watcher goes on: without it
                # the process would serve its copies unchecked for good.
                log.exception("could not act on a change announcement")
            if time.monotonic() >= next_sweep:
                self._sweep()
                next_sweep = time.monotonic() + self._poll
        self._changes.close()

    def _heard(self, data: bytes | str) -> None:
        """One message on the changes channel: a stale note or an announcement."""
        try:
            stale = decode_stale(data)
        except Exception:
            log.warning("ignoring a malformed stale note: %.200r", data)
            return
        if stale is not None:
            polled = self.note_stale(stale.feeds, stale.at)
            if self.on_stale is not None:  # it answers the note's reply (``read_render``)
                self.on_stale(polled, stale.reply)
            elif stale.reply is not None:  # nothing renders here ahead of the worker
                with contextlib.suppress(redis.RedisError):  # the sender's wait ends
                    ahead_wait.reply(self._client, self._prefix, stale.reply)
        else:
            self.refresh(*_announced(data))

    def _sweep(self) -> None:
        """Drop what the table shows as re-rendered since the last look, and let
        the other copies look for their own changes. Nothing committed since the
        last sweep, nothing to look for: the copies all come from the database."""
        started = utcnow()
        if self.stale.noted:
            self.stale.drop_before(started - timedelta(seconds=STALE_NOTE_SECONDS))
        if not self._changes.changed():
            return
        try:
            with self._sessions() as session:
                # On the session's connection: plain rows, as _LOAD is read.
                rows = session.connection().execute(_SWEPT, {"since": self._since}).all()
                for other in self._others:
                    other.sweep(session)
        except Exception:
            log.warning("could not check for changes", exc_info=True)
            # The commit that brought this sweep on is still unread: the next one
            # must look, not wait for another commit.
            self._changes.close()
            # Without a look at the database, a lost announcement would leave
            # the other copies stale for as long as it stays away; they are
            # cheap to rebuild.
            for other in self._others:
                other.forget()
            return
        # Overlap the windows: a render committed just after we looked carries
        # a time from before the look.
        self._since = started - timedelta(seconds=5)
        stale, new = self._stale({key: at for key, at in rows})
        if stale:
            self.forget(stale)
        if new:
            self.forget(new, drop=False)  # a load under way may predate them

    def _stale(self, rendered: dict[str, datetime]) -> tuple[list[str], list[str]]:
        """Of the renders in the window: the keys this process may hold an older
        copy of, and the other keys whose render is new to it.

        The windows overlap, so a render comes back in several sweeps: it is
        acted on when a held copy predates it, and for feeds with documents
        built on request (``?q=``), the first time it is seen; a copy loaded
        after it (as the announcement makes happen) is kept.
        """
        with self._lock:
            held = {key: feed.rendered_at for key, feed in self._entries.items()}
        built = {feed_name_of(key) for key, at in held.items() if at is None}
        stale, new = [], []
        for key, at in rendered.items():
            seen = self._seen.get(key) == at
            if (key in held and held[key] != at) or (not seen and feed_name_of(key) in built):
                stale.append(key)
            elif not seen and key not in held:
                new.append(key)
        self._seen = rendered
        return stale, new


def _announced(data: bytes | str) -> tuple[list[str], list[ChangedDocument]]:
    """The keys of an announcement and the documents it carries; anything else on
    the channel is logged and ignored."""
    try:
        return decode(data)
    except Exception:  # anything on the channel: deep nesting, huge numbers, wrong types
        log.warning("ignoring a malformed change announcement: %.200r", data)
        return [], []
