"""A reader's poll that arrives while a new copy of its document is moments away
waits for that copy, briefly, instead of being answered with the one about to be
replaced and seeing the change only a poll later.

A stale note says a feed changed at a time (``stale_notes``); within moments a
render follows, made by this process's read-render thread, by another web
process (announced, its bytes carried) or by the feed worker (announced), and
the process's memory holds the new copy. A request for a held copy that a note
made old in the last ``RECENT_SECONDS`` waits for that copy to be put
(``FeedMemory.newer_than``): ``AWAIT_SECONDS`` at most, ``MAX_AWAITING`` of the
process's request threads at once (of 4; the others are answered at once from
memory, as is every request once the note is older). The request only waits:
what renders is what the note set off anyway.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from services.feed.memory import FeedMemory
from services.feed.serving import StoredFeed
from shared.db import utcnow

# A render comes within milliseconds of its note; one that comes later (a feed
# worker busy with a burst) is not waited for.
RECENT_SECONDS = 1.0
AWAIT_SECONDS = 0.05
MAX_AWAITING = 1


class RenderAwait:
    """Waits of a process's requests for the copies their stale notes announce."""

    def __init__(self, memory: FeedMemory) -> None:
        self.memory = memory
        self._lock = threading.Lock()
        self.awaiting = 0

    def newest(self, held: StoredFeed) -> StoredFeed | None:
        """``held``, or the copy put in its place if a recent stale note made it old
        and one comes within ``AWAIT_SECONDS`` (None: the feed's copy was dropped
        meanwhile and none put back; the caller loads it)."""
        at = self.memory.stale_at(held)
        if at is None or utcnow() - at > timedelta(seconds=RECENT_SECONDS):
            return held
        with self._lock:
            if self.awaiting >= MAX_AWAITING:
                return held
            self.awaiting += 1
        try:
            return self.memory.newer_than(held, AWAIT_SECONDS)
        finally:
            with self._lock:
                self.awaiting -= 1
