"""A web process's record of the stale notes it heard (``services.feed.read_render``).

A stale note says that some feeds changed at a time and that their render is on
its way. A held subscription document whose coverage (``as_of``) predates the
newest change noted for its feed is stale: the process renders it when a
reader next asks for it, or at once when a reader polls it, instead of waiting
for the feed worker. Each change is tried once per feed in a process, whatever the
outcome, so a failing or contended render is not tried again on every poll.
"""

from __future__ import annotations

import threading
from datetime import datetime

# Feeds remembered at most; past this, the notes are forgotten (each note only
# speeds a render up: the worker renders every change anyway).
MAX_NOTED = 4096


def is_subscription_key(key: str) -> bool:
    """A subscription document's key ('tag:china.json'), not an archive page's
    ('articles/archive/2.json') or a filtered document's ('articles.json?q=x')."""
    return "/" not in key and "?" not in key


class StaleNotes:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        # Feed name → the newest change noted, and the change last tried.
        self.noted: dict[str, datetime] = {}
        self._tried: dict[str, datetime] = {}

    def note(self, names: list[str], at: datetime) -> None:
        with self._lock:
            if len(self.noted) + len(names) > MAX_NOTED:
                self.noted.clear()
                self._tried.clear()
            for name in names:
                if name not in self.noted or self.noted[name] < at:
                    self.noted[name] = at

    def stale_at(self, name: str, key: str, as_of: datetime | None) -> datetime | None:
        """The noted change of feed ``name`` that its document ``key``, covering up
        to ``as_of``, predates; None when there is none (nearly always: no note
        waits, and this is one look at an empty dict)."""
        if not self.noted or as_of is None:
            return None
        at = self.noted.get(name)
        if at is None or as_of >= at or not is_subscription_key(key):
            return None
        return at

    def tried(self, name: str, at: datetime) -> bool:
        """Whether feed ``name``'s change ``at`` was claimed already (``claim``)."""
        tried = self._tried.get(name)
        return tried is not None and tried >= at

    def claim(self, name: str, at: datetime) -> bool:
        """True once per feed and noted change: the caller renders it."""
        with self._lock:
            tried = self._tried.get(name)
            if tried is not None and tried >= at:
                return False
            self._tried[name] = at
            return True

    def drop_before(self, before: datetime) -> None:
        """Forget the notes of changes before ``before``: the feed worker has
        rendered them by then, or failed to and will try again, and announced."""
        with self._lock:
            for name in [n for n, at in self.noted.items() if at < before]:
                del self.noted[name]
                self._tried.pop(name, None)
