"""Writers to one SQLite file take turns through a lock file, not SQLite's busy handler.

SQLite lets one connection write at a time. One that finds the write lock
taken runs the busy handler, which sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50,
50, 100 ms between looks: under a burst of posts the API's writers, the relay
and the workers were measured sleeping 25 and 100 ms long after the lock was
free again, while the cores sat idle. Here a connection about to open a write
transaction first takes an exclusive ``flock`` on a file beside the database
and keeps it until the transaction ends; a writer that finds it taken looks
again after 0.1 ms, then at least every millisecond, so it goes on within a
millisecond of the other's end (after 0.1 s of waiting, every 10 ms: the other
is a long transaction). A blocking ``flock`` would hand over at once, but could
not give up.

The turn is only ever a help: a thread that already holds one (through another
connection), one that waited ``wait_limit`` seconds, or a process that cannot
open the lock file (made by another user and unreadable, a read-only data
directory) goes on without it, and SQLite's own locking, still in force,
decides as before. Readers never take turns: in WAL mode they do not wait for
writers.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import sqlite3
import threading
import time
import weakref
from typing import Any

log = logging.getLogger(__name__)

# The statements with which sqlite3's (legacy) transaction control opens a
# write transaction, and the explicit ones that take the write lock at once.
# A SAVEPOINT outside a transaction opens one too (session.begin_nested() as
# the first write): it takes the turn, as a read-only one costs little.
_WRITES = (
    "INSERT",
    "UPDATE",
    "DELETE",
    "REPLACE",
    "BEGIN IMMEDIATE",
    "BEGIN EXCLUSIVE",
    "SAVEPOINT",
)
_FIRST_POLL = 0.0001
_LONGEST_POLL = 0.001
# A turn held this long is a long transaction (a migration, a stopped process):
# looking every millisecond would only burn CPU.
_SLOW_AFTER = 0.1
_SLOW_POLL = 0.01

_turns = threading.local()
_with_fds: weakref.WeakSet[Any] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    # A child must not keep the parent's lock file open: were the parent to die
    # holding the turn, the lock would live on in the child.
    for conn in list(_with_fds):
        if conn._fd_finalizer is not None:
            conn._fd_finalizer()
        conn._turn_fd, conn._fd_finalizer, conn._has_turn, conn._turn_count = (
            None,
            None,
            False,
            None,
        )
    _turns.__dict__.pop("count", None)


os.register_at_fork(after_in_child=_after_fork_in_child)


def turn_file(database: str) -> str:
    return f"{database}-write.lock"


def open_lock_file(path: str) -> int:
    """A descriptor of the lock file at ``path`` to ``flock``, made if missing;
    closed on exec. Raises OSError when it can be neither opened nor made."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except PermissionError:
        # Made by another user: flock needs no write access.
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)


class _Count:
    __slots__ = ("held",)

    def __init__(self) -> None:
        self.held = 0


def _count() -> _Count:
    count = getattr(_turns, "count", None)
    if count is None:
        count = _turns.count = _Count()
    return count


def _close_fd(fd: int) -> None:
    # Also in a forked child: its inherited copy must not keep the parent's lock alive.
    with contextlib.suppress(OSError):
        os.close(fd)


class TurnConnection(sqlite3.Connection):
    """An sqlite3 connection whose write transactions wait for their turn."""

    # None: no turns (an in-memory database).
    turn_path: str | None = None
    # Then SQLite's busy handler waits its own busy_timeout: a writer stuck
    # behind a stopped process gives up after both.
    wait_limit: float = 5.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        database = os.fsdecode(args[0] if args else kwargs["database"])
        if database not in ("", ":memory:"):
            self.turn_path = turn_file(database)
        self._turn_fd: int | None = None
        self._has_turn = False
        self._turn_count: _Count | None = None
        self._fd_finalizer: Any = None
        self._no_turns = False  # the lock file could not be opened: SQLite decides alone

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:  # type: ignore[override]
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, seq: Any, /) -> sqlite3.Cursor:  # type: ignore[override]
        return self.cursor().executemany(sql, seq)

    def executescript(self, script: str, /) -> sqlite3.Cursor:  # type: ignore[override]
        return self.cursor().executescript(script)

    def cursor(self, factory: Any = None) -> sqlite3.Cursor:  # type: ignore[override]
        return super().cursor(factory or TurnCursor)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.end_turn()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.end_turn()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.end_turn()
            if self._fd_finalizer is not None:
                self._fd_finalizer()
            self._turn_fd = None

    def take_turn(self, statement: str) -> None:
        """Before ``statement``: wait for the turn if it opens a write transaction."""
        if self._has_turn or self.turn_path is None or self._no_turns or self.in_transaction:
            return
        if not statement.lstrip()[:16].upper().startswith(_WRITES):
            return
        count = _count()
        if count.held:
            return  # this thread writes through another connection: never wait on itself
        fd = self._fd()
        if fd is None:
            return
        start = time.monotonic()
        pause = _FIRST_POLL
        while True:
            try:
                # The flag first: an exception (a signal's) landing right after
                # flock must still find the turn recorded, to be given back.
                self._has_turn = True
                self._turn_count = count
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                self._has_turn = False
                waited = time.monotonic() - start
                if waited >= self.wait_limit:
                    return  # SQLite's busy handler has the last word
                time.sleep(pause)
                pause = min(pause * 2, _LONGEST_POLL if waited < _SLOW_AFTER else _SLOW_POLL)
        count.held += 1

    def after_statement(self) -> None:
        # A statement that left no transaction open (autocommit, or one that
        # failed before it began) ends the turn at once.
        if self._has_turn and not self.in_transaction:
            self.end_turn()

    def end_turn(self) -> None:
        if not self._has_turn:
            return
        # Unlock first, then forget: an exception in between leaves a flag that
        # the next commit/rollback/close clears, never a lock nobody gives back.
        if self._turn_fd is not None:
            fcntl.flock(self._turn_fd, fcntl.LOCK_UN)
        self._has_turn = False
        count, self._turn_count = self._turn_count, None
        if count is not None and count.held > 0:
            count.held -= 1  # the taking thread's count, whichever thread ends it

    def _fd(self) -> int | None:
        # Opened in the process that uses it: a forked child's copies are closed
        # at the fork (``_after_fork_in_child``), as the parent's lock and the
        # child's would be one.
        if self._turn_fd is None:
            assert self.turn_path is not None
            try:
                fd = open_lock_file(self.turn_path)
            except OSError as exc:
                return self._give_up(exc)
            self._turn_fd = fd
            self._fd_finalizer = weakref.finalize(self, _close_fd, fd)
            _with_fds.add(self)
        return self._turn_fd

    def _give_up(self, exc: OSError) -> None:
        # Logged once per connection; its writes go on under SQLite's locking alone.
        log.warning("no write turns for %s: %s", self.turn_path, exc)
        self._no_turns = True
        return None


class TurnCursor(sqlite3.Cursor):
    connection: TurnConnection

    def execute(self, sql: str, parameters: Any = (), /) -> TurnCursor:  # type: ignore[override]
        self.connection.take_turn(sql)
        try:
            return super().execute(sql, parameters)  # type: ignore[return-value]
        finally:
            self.connection.after_statement()

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> TurnCursor:  # type: ignore[override]
        self.connection.take_turn(sql)
        try:
            return super().executemany(sql, seq_of_parameters)  # type: ignore[return-value]
        finally:
            self.connection.after_statement()

    def executescript(self, script: str, /) -> TurnCursor:  # type: ignore[override]
        # It commits first (legacy control) and runs its statements without turns.
        try:
            return super().executescript(script)  # type: ignore[return-value]
        finally:
            self.connection.after_statement()
