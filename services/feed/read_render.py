"""Rendering a changed feed in the web process that serves it, ahead of the feed worker.

When a change's refresh request sends the feed worker its task, it also
publishes a stale note on the changes channel (``shared.refresh_queue``): these
feeds changed at this time. A web process holding a subscription document of
one of them that predates the change (``stale_notes``) renders it itself,
stores it as the worker would (``publish.render_and_store``: the same bytes
and validators) and serves it, instead of waiting for the worker's task to be
taken up, handed to a pool process, claimed, rendered and announced:

- a document a reader was served since its copy was loaded (a reader polls
  it) is rendered at once, in a thread of the process, so the reader's next
  poll finds it;
- any other held document is rendered in that thread when a reader next
  asks for it; that reader is served the render if it is done within moments
  (``awaited``), else the copy held, and the next one the render.

A reader's request never renders: the feed service has a few request threads
per process, and a render waits on Redis (the feed's lock) and on the
database (SQLite's write turn); a Redis that hangs would hold each such
request for as long as the client's timeouts and retries last, and a few of
them every reader of the process.

The worker still drains every marked feed: it takes the locks of a round's
feeds before it looks at what is stored (``feed_locks``), so it sees the web
process's render and skips what it covers, and renders the rest (other
formats, feeds no web process holds).

What keeps it safe:

- One renderer of a feed at a time: the render takes the feed's lock without
  waiting; a web process that finds it held (by the worker, or another web
  process) serves the copy it holds, and hears of the new one by the
  announcement the holder makes.
- Each change is tried once per feed in a process (``StaleNotes.claim``): a
  render that fails or finds the lock held is not tried again on each poll.
- No reader waits long for it: the process's requests, for this feed or any
  other, are answered from memory meanwhile, but for one at a time that waits
  50 ms at most for the new copy (``awaited``). The thread's work waiting is one
  render per document at most (``MAX_PENDING`` documents), however many notes
  arrive while it is held up.
- The worker's task for a change made alone waits for this render
  (``shared.ahead_wait``): each stale note carries a reply token, answered
  once the polled documents it made old are rendered, stored and told of (at
  once when there are none, or when the thread is held up), so on a machine
  with few cores the worker's work for the change does not run beside the
  render its readers wait on.
- A render never stores over one that read the database later
  (``store_documents``), so renders that cross leave the newest.
- What the render wrote is announced to the other web processes (its new
  bytes carried) and pushed to WebSub subscribers, as the worker's renders
  are, by the thread right after its commit. A write that found a later render
  stored is neither: that render's writer tells of it, so each change is
  pushed once.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from datetime import datetime

import redis
from celery import Celery
from sqlalchemy.orm import Session, sessionmaker

from services.feed import publish
from services.feed.coalesce_scripts import feed_lock_key
from services.feed.copies import copy_of, feed_name_of
from services.feed.memory import FeedMemory
from services.feed.serving import StoredFeed
from services.feed.stored_documents import stored_documents
from services.feed.websub.hook import documents_changed
from shared import ahead_wait
from shared.celery_app import create_celery
from shared.changes import ChangedDocument, announce
from shared.feed_names import FeedSpec
from shared.models import RenderedFeed
from shared.settings import Settings

log = logging.getLogger(__name__)

# The feed lock's expiry: a process that dies while rendering holds it no longer.
LOCK_SECONDS = 10
# The thread ends after this long with nothing to do (started again when needed).
IDLE_SECONDS = 10.0
# Documents waiting for the thread at most; past this, a document's change is
# left to the worker (each render only comes ahead of it). Above the feed
# memory's entries, so it is reached only while the thread is held up.
MAX_PENDING = 1024
# Notes one waiting render answers at most; a note beyond is answered without it
# (only while the thread is held up: each note's render is the next one).
MAX_REPLIES = 16


class ReadRender:
    """Renders the held subscription documents a stale note made old."""

    def __init__(
        self,
        settings: Settings,
        memory: FeedMemory,
        sessions: sessionmaker[Session],
        client: redis.Redis,
    ) -> None:
        self.settings = settings
        self.memory = memory
        self.sessions = sessions
        self.client = client
        # The held copies whose render waits for the thread, by key: one each.
        self._pending: OrderedDict[str, _Pending] = OrderedDict()
        # Reply token → renders it still waits for (``shared.ahead_wait``).
        self._owed: dict[str, int] = {}
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._celery: Celery | None = None
        memory.on_stale = self.polled_stale

    def polled_stale(self, held: list[StoredFeed], reply: str | None = None) -> None:
        """A stale note made these polled copies old: render them now, in the
        thread. ``reply``: the note's reply token, answered once they are rendered
        (at once when there are none), so that the worker's task is sent only
        then (``shared.ahead_wait``)."""
        with self._wake:  # every render it waits for counted before any is done
            queued = [feed for feed in held if self._later(feed, reply)]
        if reply is not None and not queued:
            self._reply([reply])

    def served(self, held: StoredFeed) -> None:
        """A reader is served ``held``: if a stale note made it old and its change
        was not tried yet, its render is set off in the thread. Returns at once."""
        at = self.memory.stale_at(held)
        if at is not None and not self.memory.stale.tried(feed_name_of(held.key), at):
            self._later(held)

    def fresh(self, held: StoredFeed) -> StoredFeed:
        """``held``, or its render made now when a stale note made it old (run by
        the thread: it waits on Redis and the database)."""
        at = self.memory.stale_at(held)
        if at is None:
            return held
        name = feed_name_of(held.key)
        if not self.memory.stale.claim(name, at):
            return held
        try:
            return self._locked_render(held, name, at) or held
        except Exception:
            log.warning("could not render %s ahead of the worker", held.key, exc_info=True)
            return held

    def _locked_render(self, held: StoredFeed, name: str, at: datetime) -> StoredFeed | None:
        lock_name = feed_lock_key(self.settings.key_prefix, name)
        try:
            lock = self.client.lock(lock_name, timeout=LOCK_SECONDS, blocking=False)
            if not lock.acquire(blocking=False):
                return None  # its holder renders it and will announce it
        except redis.RedisError:
            return None
        # The rows this render wrote: not a document whose write found a later
        # render stored (``store_documents``), which that render's writer tells of.
        written: list[ChangedDocument] = []
        try:
            return self._render(held, name, at, written)
        finally:
            try:
                lock.release()
            except redis.RedisError:
                log.warning("could not release %s; it expires", lock_name)
            if written:
                # Right after the commit, as the worker does (even if what came
                # after it failed): a process that stopped in between would leave
                # the change unpushed, since the worker skips it. The lock is let
                # go of first: the worker may be waiting for it.
                self._tell(written)

    def _render(
        self, held: StoredFeed, name: str, at: datetime, written: list[ChangedDocument]
    ) -> StoredFeed | None:
        key = held.key
        generation = self.memory.generation
        with self.sessions() as session:
            stored = stored_documents(session, [key])
            if key not in stored:
                return None
            if stored[key].as_of < at:
                spec, fmt = FeedSpec.parse(name), key.rsplit(".", 1)[1]
                publish.render_and_store(
                    session, self.settings, spec, stored=stored, formats=(fmt,), written=written
                )
            doc = next((d for d in written if d.key == key), None)
            if doc is None:
                # The same bytes, or another's render covered the change: the row's.
                row = session.get(RenderedFeed, key)
                if row is None:
                    return None
                doc = ChangedDocument(
                    row.key, row.content_type, row.body, row.etag,
                    row.last_modified, row.rendered_at, row.as_of,
                )  # fmt: skip
        copy = copy_of(doc, held)
        self.memory.put(copy, generation)
        return copy

    def _tell(self, written: list[ChangedDocument]) -> None:
        """Announce the render to the other web processes, then queue its pushes."""
        changed = [doc.key for doc in written]
        try:
            announce(self.client, self.settings.key_prefix, changed, written)
        except redis.RedisError:
            # The other processes' sweep finds the render instead.
            log.warning("could not announce %s", ", ".join(changed), exc_info=True)
        try:
            if self._celery is None:
                self._celery = create_celery("silkfeed-feed-web", self.settings)
            with self.sessions() as session:
                documents_changed(self._celery, session, changed)
        except Exception:
            log.warning("could not queue the pushes of %s", ", ".join(changed), exc_info=True)

    def _later(self, held: StoredFeed, reply: str | None = None) -> bool:
        """Have the process's read-render thread render ``held`` (``fresh``), then
        answer ``reply`` (once every render it waits for is done). False when the
        thread is held up and ``held`` was left to the worker (``reply`` is not
        waited for then)."""
        with self._wake:
            entry = self._pending.get(held.key)
            if entry is None:
                if len(self._pending) >= MAX_PENDING:
                    return False  # the thread is held up: the worker renders it
                entry = self._pending[held.key] = _Pending(held)
            entry.held = held
            if reply is not None and reply not in entry.replies:
                if len(entry.replies) >= MAX_REPLIES:
                    return False
                entry.replies.append(reply)
                self._owed[reply] = self._owed.get(reply, 0) + 1
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="read-render", daemon=True)
                self._thread.start()
            self._wake.notify()
        return True

    def _run(self) -> None:
        while True:
            with self._wake:
                if not self._pending:
                    self._wake.wait(IDLE_SECONDS)
                if not self._pending:
                    # A document put after this starts a new thread.
                    self._thread = None
                    return
                _, entry = self._pending.popitem(last=False)
            try:
                self.fresh(entry.held)
            except Exception:
                log.exception("a render ahead of the worker failed")
            finally:
                self._settle(entry.replies)

    def _settle(self, replies: list[str]) -> None:
        """A render is done: answer the notes that waited for it alone, or last."""
        done = []
        with self._wake:
            for token in replies:
                left = self._owed.pop(token, 1) - 1
                if left > 0:
                    self._owed[token] = left
                else:
                    done.append(token)
        self._reply(done)

    def _reply(self, tokens: list[str]) -> None:
        for token in tokens:
            try:
                ahead_wait.reply(self.client, self.settings.key_prefix, token)
            except redis.RedisError:
                # The sender sends the worker's task itself when its wait is over.
                log.warning("could not reply to a stale note", exc_info=True)


class _Pending:
    """A document waiting for the read-render thread, and the notes it answers."""

    __slots__ = ("held", "replies")

    def __init__(self, held: StoredFeed) -> None:
        self.held = held
        self.replies: list[str] = []
