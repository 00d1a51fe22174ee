"""Writers to one SQLite file take turns through a lock file, not SQLite's busy handler.

SQLite lets one connection write at a time. One that finds the write lock
taken runs the busy handler, which sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50,
50, 100 ms between looks: under a burst of posts the API's writers, the relay
and the workers were measured sleeping 25 and 100 ms long after the lock was
free again, while the cores sat idle. Here a connection about to open a write
transaction first takes an exclusive ``flock`` on a file beside the database
and keeps it until the transaction ends; a writer that finds it taken looks
again after 0.1 ms, then after at most 1 ms, so it goes on within a
millisecond of the other's end. (A blocking ``flock`` would hand over at once,
but could not give up after the busy timeout.)

The turn is only ever a help: a thread that already holds one (through another
connection) or that waited out the busy timeout goes on without it, and
SQLite's own locking, still in force, decides as before. Readers never take
turns: in WAL mode they do not wait for writers.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from typing import Any

# The statements with which sqlite3's (legacy) transaction control opens a
# write transaction, and the explicit ones that take the write lock at once.
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "BEGIN IMMEDIATE", "BEGIN EXCLUSIVE")
_FIRST_POLL = 0.0001
_LONGEST_POLL = 0.001

_turns = threading.local()


def turn_file(database: str) -> str:
    return f"{database}-write.lock"


def _held_here() -> int:
    return getattr(_turns, "held", 0)


class TurnConnection(sqlite3.Connection):
    """An sqlite3 connection whose write transactions wait for their turn."""

    # Set by the engine's connect hook; None: no turns (an in-memory database).
    turn_path: str | None = None
    wait_limit: float = 30.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._turn_fd: int | None = None
        self._turn_pid = 0
        self._has_turn = False

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
            if self._turn_fd is not None and self._turn_pid == os.getpid():
                os.close(self._turn_fd)
            self._turn_fd = None

    def take_turn(self, statement: str) -> None:
        """Before ``statement``: wait for the turn if it opens a write transaction."""
        if self._has_turn or self.turn_path is None or self.in_transaction:
            return
        if not statement.lstrip()[:16].upper().startswith(_WRITES):
            return
        if _held_here():
            return  # this thread writes through another connection: never wait on itself
        fd = self._fd()
        deadline = time.monotonic() + self.wait_limit
        pause = _FIRST_POLL
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return  # SQLite's busy handler has the last word
                time.sleep(pause)
                pause = min(pause * 2, _LONGEST_POLL)
        self._has_turn = True
        _turns.held = _held_here() + 1

    def after_statement(self) -> None:
        # A statement that left no transaction open (autocommit, or one that
        # failed before it began) ends the turn at once.
        if self._has_turn and not self.in_transaction:
            self.end_turn()

    def end_turn(self) -> None:
        if not self._has_turn:
            return
        self._has_turn = False
        _turns.held = max(0, _held_here() - 1)
        if self._turn_fd is not None:
            fcntl.flock(self._turn_fd, fcntl.LOCK_UN)

    def _fd(self) -> int:
        # Opened in the process that uses it: a forked child must not share the
        # parent's open file, whose lock the two would hold as one.
        if self._turn_fd is None or self._turn_pid != os.getpid():
            assert self.turn_path is not None
            self._turn_fd = os.open(self.turn_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
            self._turn_pid = os.getpid()
        return self._turn_fd


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
