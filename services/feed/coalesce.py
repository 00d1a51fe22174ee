"""Render coalescing: however many refresh tasks arrive, each feed renders about
once per render cycle, by one process at a time.

A refresh task records its feeds in a Redis hash (feed → newest request time)
and then tries to become the renderer. The renderer drains the hash until it
is empty, deleting an entry only after rendering it (and only if no newer
request arrived meanwhile), so a renderer that dies loses nothing: its lock
expires and the entries wait for the next renderer. A task that finds the lock
taken leaves its feeds to the holder, which re-checks the hash after releasing
the lock; a delayed follow-up task covers a holder that died.

Senders mark the hash themselves and send a task only when none is queued
(``shared.refresh_queue``, where the races are worked out): releasing the lock
also deletes the "refresh queued" key, just before the holder's last look.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import redis

from services.feed import coalesce_scripts as scripts
from services.feed.asked import asked_key
from services.feed.feed_locks import FeedLocks
from services.feed.render_failures import RenderFailures, render_priority
from shared import refresh_queue

log = logging.getLogger(__name__)

# Feeds rendered between two looks at what is dirty.
ROUND = 16


@dataclass(frozen=True, slots=True)
class AfterRender:
    """What a render wants done once it has committed: ``send`` queues Redis
    commands (announcements, counters), sent ahead of the feed's unmarking in
    one round trip; ``then`` runs after that."""

    send: Callable[[redis.client.Pipeline], None]
    then: Callable[[], None] | None = None


Render = Callable[[str, datetime], AfterRender | None]
# How a round ended: whether the look at its end let go of the lock, and what is due.
RoundEnd = tuple[bool, dict[str, str]]
# How a task's rounds under one lock ended (``RenderCoalescer._rounds``).
Outcome = Literal["released", "held", "gave up"]
# Of a round's feeds, those that have something to render (see ``drain``).
Wanted = Callable[[list[str]], Collection[str]]


class RenderCoalescer:
    def __init__(
        self,
        client: redis.Redis,
        prefix: str,
        lock_ms: int = 15_000,
        *,
        backlog_keys: tuple[str, ...] = (),
        max_delay: float = 2.0,
    ) -> None:
        self.client = client
        # While upstream work is still queued (a burst), more changes are on
        # their way: wait for the burst to end, but never longer than max_delay
        # after a change, so a steady stream still shows up promptly.
        self.backlog_keys = backlog_keys
        self.max_delay = max_delay
        self.dirty_key = refresh_queue.dirty_key(prefix)
        self.queued_key = refresh_queue.queued_key(prefix)
        self.lock_key = f"{prefix}feeds:render-lock"
        self.followup_key = f"{prefix}feeds:followup"
        self.renders_key = f"{prefix}feeds:renders"
        self.asked_key = asked_key(prefix)
        # The documents readers asked for, as the last claim read them.
        self.asked: frozenset[str] = frozenset()
        self.failures = RenderFailures(client, prefix)
        self.lock_ms = lock_ms
        self._mark = client.register_script(refresh_queue.MARK_LUA)
        self._mark_and_claim = client.register_script(scripts.MARK_AND_CLAIM)
        self._extend = client.register_script(scripts.EXTEND_IF_OWNER)
        self._extend_and_count = client.register_script(scripts.EXTEND_AND_COUNT)
        self._release_and_look = client.register_script(scripts.RELEASE_AND_LOOK)
        self.feed_locks = FeedLocks(client, prefix, lock_ms)
        # How many feeds were dirty at the last look at them (None: no look yet).
        self.last_dirty: int | None = None

    def mark(self, feeds: list[str], requested_at: datetime) -> None:
        if feeds:
            stamp = requested_at.isoformat()
            args: list[str] = []
            for name in feeds:
                args += [name, stamp]
            self._mark(keys=[self.dirty_key], args=args)

    def _claim(
        self, token: str, feeds: list[str], requested_at: datetime | None
    ) -> tuple[dict[str, str], int] | None:
        """Mark ``feeds`` and take the lock: what is due, and the backlog's length
        (one round trip). None when another process holds the lock."""
        args: list[str | int] = [token, self.lock_ms]
        if requested_at is not None:
            for name in feeds:
                args += [name, requested_at.isoformat()]
        keys = [
            self.dirty_key,
            self.lock_key,
            self.failures.key,
            self.asked_key,
            *self.backlog_keys,
        ]
        claimed = self._mark_and_claim(keys=keys, args=args)
        if not claimed:
            return None
        raw_dirty, raw_failing, backlog, raw_asked = claimed
        self.asked = frozenset(key.decode() for key in raw_asked)
        return self._due_of(_pairs(raw_dirty), _raw_pairs(raw_failing)), int(backlog)

    def _wait_for_burst_end(self, dirty: dict[str, str], token: str, backlog: int | None) -> bool:
        """Wait while the backlog lasts (bounded); True if it waited at all.
        ``backlog``: its length as just read, or None to read it."""
        if not self.backlog_keys:
            return False
        oldest = min(datetime.fromisoformat(v) for v in dirty.values())
        deadline = time.monotonic() + max(
            0.0, self.max_delay - (datetime.now(oldest.tzinfo) - oldest).total_seconds()
        )
        waited = False
        while time.monotonic() < deadline:
            if backlog is None:
                # Each look while waiting also extends the lock: one round trip.
                keys = [self.lock_key, *self.backlog_keys]
                backlog = int(self._extend_and_count(keys=keys, args=[token, self.lock_ms]))
            if not backlog:
                break
            time.sleep(0.05)
            waited, backlog = True, None
        return waited

    def pending(self) -> int:
        """Dirty feeds due for a render now (a failing feed waits out its backoff)."""
        return len(self._due())

    def _due(self) -> dict[str, str]:
        # The dirty feeds and the failing ones in one round trip.
        pipe = self.client.pipeline(transaction=False)
        pipe.hgetall(self.dirty_key)
        pipe.hgetall(self.failures.key)
        raw_dirty, raw_failing = pipe.execute()
        return self._due_of({k.decode(): v.decode() for k, v in raw_dirty.items()}, raw_failing)

    def _due_of(self, dirty: dict[str, str], raw_failing: dict[bytes, bytes]) -> dict[str, str]:
        self.last_dirty = len(dirty)
        return self.failures.due(dirty, raw_failing) if dirty else dirty

    def _release(self, token: str) -> dict[str, str]:
        """Let go of the lock (if still ours): what is due then."""
        keys = [self.lock_key, self.queued_key, self.dirty_key, self.failures.key]
        raw_dirty, raw_failing = self._release_and_look(keys=keys, args=[token])
        return self._due_of(_pairs(raw_dirty), _raw_pairs(raw_failing))

    def next_retry_in(self) -> float | None:
        """Seconds until the first failing dirty feed may be tried again; None if none."""
        dirty = [k.decode() for k in self.client.hkeys(self.dirty_key)]
        return self.failures.next_retry_in(dirty)

    def drain(
        self,
        render: Render,
        max_seconds: float = 60.0,
        *,
        transient: tuple[type[BaseException], ...] = (),
        mark: tuple[list[str], datetime] | None = None,
        wanted: Wanted | None = None,
    ) -> list[str] | None:
        """Render every dirty feed. None when another process holds the renderer lock.

        ``mark``: feeds to mark dirty first (as ``mark`` does), in the round trip
        that takes the lock and reads what is due: a task's render of the
        all-articles feed starts one round trip after the task does. A
        ``render`` may return what to send to Redis once it is done (see
        ``AfterRender``): it goes in the round trip that unmarks the feed.

        Feeds render in priority order (see ``render_priority``). A feed whose
        render raises anything but a ``transient`` error (an outage, retried by
        the task as a whole) is recorded as failing and left dirty, to be tried
        again after a growing backoff; the other feeds render as usual. Under a
        steady stream of changes the hash never empties: after ``max_seconds``
        (checked before each render) the renderer lets go, and what is left
        stays dirty for the next task (the caller sends one when ``pending()``
        says so).

        ``wanted``: asked once per round (one look for all its feeds); the feeds
        it leaves out have nothing to render and are unmarked together, in the
        round trip that unmarks the round's last feed. That round trip also
        looks at what is marked and, when nothing is, lets go of the lock (as
        the release below does): a change that renders one feed costs the drain
        no round trip after its render's.
        """
        done: list[str] = []
        give_up_at = time.monotonic() + max_seconds
        feeds, requested_at = mark or ([], None)
        while True:
            token = scripts.RENDERER_MARK + uuid.uuid4().hex
            claimed = self._claim(token, feeds, requested_at)
            feeds, requested_at = [], None
            if claimed is None:
                return done or None
            outcome: Outcome = "gave up"
            try:
                outcome = self._rounds(render, claimed, token, done, give_up_at, transient, wanted)
            finally:
                if self.feed_locks.held:
                    self.feed_locks.release(self.feed_locks.held, token)
                left = self._release(token) if outcome != "released" else {}
            # A task that marked feeds while we held the lock left them to us.
            if outcome == "gave up" or not left:
                return done

    def _rounds(
        self,
        render: Render,
        claimed: tuple[dict[str, str], int],
        token: str,
        done: list[str],
        give_up_at: float,
        transient: tuple[type[BaseException], ...],
        wanted: Wanted | None,
    ) -> Outcome:
        """Render rounds while feeds are due (``drain``), adding the rendered to
        ``done``: "released" once a round's end let go of the lock, "gave up" at
        the time bound, else "held"."""
        backlog: int | None
        due, backlog = claimed
        while due:
            if time.monotonic() > give_up_at:
                return "gave up"
            if self._wait_for_burst_end(due, token, backlog):
                due = self._due()  # what the burst marked meanwhile
            # A short round, then a fresh look: the all-articles feed
            # marked while a thousand tag feeds wait goes next, not last.
            batch = sorted(due.items(), key=render_priority)[:ROUND]
            batch, idle = self._split(batch, wanted, token)
            end: RoundEnd | None = None
            for i, (name, stamp) in enumerate(batch):
                if time.monotonic() > give_up_at:
                    return "gave up"
                last = idle if i + 1 == len(batch) else None
                rendered, end = self._render_one(render, name, stamp, transient, token, last)
                if rendered:
                    done.append(name)
                else:
                    self._extend(keys=[self.lock_key], args=[token, self.lock_ms])
            if end is None:
                pipe = self.client.pipeline(transaction=False)
                self._queue_end(pipe, idle, token)
                end = self._round_end(pipe.execute()[-1])
            released, due = end
            if released:
                return "released"
            backlog = None
        return "held"

    def _split(
        self, batch: list[tuple[str, str]], wanted: Wanted | None, token: str
    ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """The round's feeds to render, and those with nothing to render. Their
        feed locks are taken first (``feed_locks``), so ``wanted`` sees what a
        web process rendering one of them ahead of the worker stored."""
        if wanted is None:
            return batch, []
        self.feed_locks.take([name for name, _ in batch], token)
        keep = wanted([name for name, _ in batch])
        return [i for i in batch if i[0] in keep], [i for i in batch if i[0] not in keep]

    def _queue_end(
        self, pipe: redis.client.Pipeline, idle: list[tuple[str, str]], token: str
    ) -> None:
        """A round's end: unmark the feeds that had nothing to render (unless marked
        again meanwhile), then look at what is marked, letting go when nothing is."""
        for name, stamp in idle:
            self._queue_rendered(pipe, name, stamp, token)
        keys = (self.dirty_key, self.failures.key, self.lock_key, self.queued_key)
        pipe.eval(scripts.LOOK_OR_RELEASE, len(keys), *keys, token)

    def _round_end(self, raw: list[Any]) -> RoundEnd:
        released, raw_dirty, raw_failing = raw
        return bool(released), self._due_of(_pairs(raw_dirty), _raw_pairs(raw_failing))

    def _queue_rendered(
        self, pipe: redis.client.Pipeline, name: str, stamp: str, token: str
    ) -> None:
        # EVAL, not a registered script: in a pipeline, redis-py would first
        # ask whether the script is loaded, one more round trip.
        self.feed_locks.unmarked(name)
        pipe.eval(
            scripts.RENDERED,
            4,
            self.dirty_key,
            self.failures.key,
            self.lock_key,
            self.feed_locks.key(name),
            name,
            stamp,
            token,
            self.lock_ms,
        )

    def _render_one(
        self,
        render: Render,
        name: str,
        stamp: str,
        transient: tuple[type[BaseException], ...],
        token: str,
        last: list[tuple[str, str]] | None = None,
    ) -> tuple[bool, RoundEnd | None]:
        """Render one feed and unmark it; whether it rendered. ``last``: given, this
        is the round's last feed, and the round trip that unmarks it ends the
        round too (``_queue_end``, with these idle feeds): what that found."""
        try:
            after = render(name, datetime.fromisoformat(stamp))
        except transient:
            raise
        except Exception as exc:
            self.feed_locks.release([name], token)
            failure = self.failures.record(name, exc)
            log.error(
                "render of feed %s failed (%d time(s) in a row); next try in %ds",
                name,
                failure.count,
                failure.backoff,
                exc_info=exc,
            )
            return False, None
        pipe = self.client.pipeline(transaction=False)
        if after is not None:
            after.send(pipe)
        self._queue_rendered(pipe, name, stamp, token)
        if last is not None:
            self._queue_end(pipe, last, token)
        replies = pipe.execute()
        if after is not None and after.then is not None:
            after.then()
        return True, None if last is None else self._round_end(replies[-1])

    def count_renders(self, names: list[str], pipe: redis.client.Pipeline | None = None) -> None:
        """Per-feed render counters: what coalescing saves is visible (and tested)."""
        for name in names:
            (pipe or self.client).hincrby(self.renders_key, name, 1)

    def render_counts(self) -> dict[str, int]:
        return {k.decode(): int(v) for k, v in self.client.hgetall(self.renders_key).items()}

    def claim_retry(self, wait: float) -> bool:
        """True for one caller until ``wait`` seconds have passed: it schedules the retry."""
        px = max(1, int(wait * 1000))
        return bool(self.client.set(self.followup_key + ":retry", "1", nx=True, px=px))

    def claim_followup(self) -> bool:
        """True for one caller per lock period: it schedules the follow-up check."""
        return bool(self.client.set(self.followup_key, "1", nx=True, px=self.lock_ms))


def _raw_pairs(flat: list[bytes]) -> dict[bytes, bytes]:
    """A hash as a script returns it (key, value, key, value ...)."""
    return {flat[i]: flat[i + 1] for i in range(0, len(flat), 2)}


def _pairs(flat: list[bytes]) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in _raw_pairs(flat).items()}
