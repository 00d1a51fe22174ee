"""The web process's copy of finished ``/api/v1/rates/latest`` answers.

``latest`` is asked for far more often than a snapshot arrives, and reading the
newest quotes is a database round trip that costs about as much as the rest
of the request. An answer is a function of the query and of which snapshots are
stored (a stored snapshot never changes; settings are fixed per process), so
answers are held per query, in an LRU bounded by entries and by bytes (a
two-month series is large), and all dropped together when
that snapshot may have changed:

- at once, when the rates worker announces a stored snapshot (``FeedMemory``'s
  channel and watcher, under the name ``shared.changes.LATEST_RATES``);
- otherwise at the watcher's next sweep, which reads the id of the snapshot
  stored last (one index seek: a snapshot observed before the newest may still
  hold a pair's most recent quote) and drops everything if it is not what the
  answers were built from, so a lost announcement leaves them stale for one
  poll at most.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from services.rates.currencies import last_stored_id
from services.rates.http import Answer
from shared.changes import LATEST_RATES

# Before the first sweep: no id (nor None, "no snapshot") compares equal.
_UNSEEN = -1


@dataclass(frozen=True, slots=True)
class _Held:
    answer: Answer
    snapshot_id: int


def _size(key: Hashable, answer: Answer) -> int:
    """What holding an answer costs: its bytes, its key, and a fixed overhead."""
    return len(answer.body) + len(repr(key)) + 256


class LatestRatesMemory:
    """``max_entries`` answers of at most ``max_bytes`` in all, least recently used
    dropped first; 0 holds none."""

    name = LATEST_RATES

    def __init__(self, max_entries: int = 256, max_bytes: int = 16 * 1024 * 1024) -> None:
        self._entries: OrderedDict[Hashable, _Held] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0
        self._generation = 0
        self._newest: int | None = _UNSEEN

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Answer | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found.answer

    @property
    def generation(self) -> int:
        """Read before reading the snapshot; pass to ``put``."""
        return self._generation

    def put(self, key: Hashable, answer: Answer, snapshot_id: int, generation: int) -> None:
        """Keep ``answer``, built from ``snapshot_id``, unless something was forgotten
        since its read began: it may have read the snapshot the change replaced."""
        if self._max <= 0:
            return
        with self._lock:
            size = _size(key, answer)
            if generation != self._generation or size > self._max_bytes:
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= _size(key, old.answer)
            self._entries[key] = _Held(answer, snapshot_id)
            self._bytes += size
            while len(self._entries) > self._max or self._bytes > self._max_bytes:
                dropped_key, dropped = self._entries.popitem(last=False)
                self._bytes -= _size(dropped_key, dropped.answer)

    @property
    def held_bytes(self) -> int:
        with self._lock:
            return self._bytes

    def forget(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()
            self._bytes = 0

    def sweep(self, session: Session) -> None:
        """Forget everything when the snapshot stored last is not the one last seen,
        or not the one an answer was built from."""
        newest = last_stored_id(session)
        with self._lock:
            # A change since the last look also bumps the generation: a read
            # that began before it and is not yet put may hold the old snapshot.
            changed = newest != self._newest or any(
                held.snapshot_id != newest for held in self._entries.values()
            )
            self._newest = newest
            if changed:
                self._generation += 1
                self._entries.clear()
                self._bytes = 0
