"""Copying SQLite's write-ahead log back into the database outside the writers' commits.

In WAL mode a commit appends pages to the log, and by default the commit that
takes the log past 1,000 pages also copies it into the database and syncs it:
a render or an ingest that happens to cross the line pays 10-60 ms instead of
half a millisecond, and it is a different one each time (the p99 of a page's
latency). Here every connection checkpoints on its own only past
``BACKSTOP_PAGES`` (about 40 MB of log, a bound for processes that run alone),
and a long-running process (the feed service) runs a passive checkpoint every
``interval`` seconds in a thread of its own. A passive checkpoint never waits
for readers: it copies what it can, and the next one goes on.

One process of a host checkpoints a database: the first whose thread takes an
exclusive ``flock`` on a file beside it (``-checkpoint.lock``) keeps it while it
runs, and the others' rounds are a failed try for it (taken over within a
round when the holder stops or dies). A round runs only when something was
committed since the last one, or the last one left pages to copy
(``shared.commit_watch``). A checkpoint costs about the same whether it copies
the log of one render or of several (the same pages, written over), so the
rounds are seconds apart: each of the feed service's processes checkpointing
twice a second took more of its CPU than its watcher did.

It runs while another connection of the thread holds the write lock (``BEGIN
IMMEDIATE``, which takes the write turn first: shared.sqlite_turns). SQLite up
to 3.51.2 has a race between a checkpoint and a writer that starts the log over
(the "WAL-reset bug"): a checkpoint that read the log's header just before the
reset records the old log's length as copied (``nBackfill``) after it, and
until the next reset every reader takes the database file alone for current
and misses the new log's commits; a page read in that state is stale, or
half of a b-tree that has moved on ("database disk image is malformed", a row
committed a moment ago not found). Checkpoints from two feed processes twice a
second hit it within a hundred pages when a profiler slowed the processes. A
writer starts the log over only in a write transaction, so none can while the
checkpoint runs; writers wait for it as for any other writer's turn. The
checkpoint does not wait long for its own turn: when a writer holds it for
more than ``TURN_WAIT`` seconds the round is skipped and the next one tries
again. On an SQLite with the race fixed (3.51.3 and later) the checkpoint runs
unguarded, as writers then need not wait for it.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
import weakref

from sqlalchemy import URL, Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from shared.commit_watch import CommitWatch
from shared.sqlite_turns import open_lock_file

log = logging.getLogger(__name__)

# Pages (4 KiB) of log past which a commit checkpoints by itself, and the
# statement every connection runs to say so (a literal: no SQL is formatted).
BACKSTOP_PAGES = 10_000
BACKSTOP_PRAGMA = "PRAGMA wal_autocheckpoint=10000"

# The first SQLite release without the WAL-reset race (see the module doc).
RACE_FIXED_IN = (3, 51, 3)
# How long a checkpoint waits for the write turn and lock before skipping its round.
TURN_WAIT = 0.1
# How long a connection waits for SQLite's write lock: every connection's, and the
# checkpoint's own while it asks for the lock (TURN_WAIT). Literals: no SQL is formatted.
BUSY_PRAGMA = "PRAGMA busy_timeout=30000"
_BRIEF_BUSY_PRAGMA = "PRAGMA busy_timeout=100"


def is_file_sqlite(url: URL) -> bool:
    """Whether ``url`` names an SQLite database in a file (not one in memory)."""
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")


_holders: weakref.WeakSet[WalCheckpointer] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    # A child must not keep its parent's hold of a lead file: were the parent to
    # die, the lock would live on in a child that never checkpoints.
    for checkpointer in list(_holders):
        if checkpointer._lead_fd is not None:
            os.close(checkpointer._lead_fd)
        checkpointer._lead_fd, checkpointer._leads = None, False


os.register_at_fork(after_in_child=_after_fork_in_child)


def lead_file(database: str) -> str:
    return f"{database}-checkpoint.lock"


class WalCheckpointer:
    """A thread running ``PRAGMA wal_checkpoint(PASSIVE)`` every ``interval`` seconds
    when the database has changed, in one process per database (only for a file
    SQLite database; a no-op for any other)."""

    def __init__(
        self,
        engine: Engine,
        interval: float = 2.0,
        guarded: bool = sqlite3.sqlite_version_info < RACE_FIXED_IN,
    ) -> None:
        self._engine = engine
        self.guarded = guarded
        self._interval = interval
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._lead_fd: int | None = None
        self._leads = False

    def checkpoint(self) -> tuple[int, int, int] | None:
        """One passive checkpoint: (busy, pages in the log, pages copied), or None
        when the database could not be reached (tried again next time)."""
        try:
            with self._engine.connect() as writer, self._engine.connect() as conn:
                guarded = self.guarded and is_file_sqlite(self._engine.url)
                if guarded:
                    # No writer may start the log over meanwhile (see the module doc).
                    _begin_soon(writer)
                try:
                    row = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
                finally:
                    if guarded:
                        writer.rollback()
        except SQLAlchemyError as exc:
            log.debug("WAL checkpoint skipped: %s", exc)
            return None
        return int(row[0]), int(row[1]), int(row[2])

    def start(self) -> None:
        if self._thread is None and is_file_sqlite(self._engine.url):
            self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def leads(self) -> bool:
        """Whether this checkpointer is its database's: it holds the lock file, or
        took it now. A lock file that cannot be opened leaves every process to
        checkpoint on its own, as each did before."""
        if self._leads:
            return True
        if self._lead_fd is None:
            try:
                self._lead_fd = open_lock_file(lead_file(str(self._engine.url.database)))
                _holders.add(self)
            except OSError as exc:
                log.debug("checkpointing without a lead file: %s", exc)
                return True
        try:
            fcntl.flock(self._lead_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # another process checkpoints
        except OSError:
            return True
        self._leads = True
        return True

    def _run(self) -> None:
        changes = CommitWatch(str(self._engine.url.database))
        behind = True  # no round yet
        try:
            while not self._stopping.wait(self._interval):
                if not self.leads():
                    behind = True  # whoever leads now may have left pages to copy
                    continue
                # Asked before the round: a commit made during it is seen by the next.
                if changes.changed() or behind:
                    done = self.checkpoint()
                    behind = done is None or done[0] != 0 or done[2] < done[1]
        finally:
            changes.close()
            self._let_go()

    def _let_go(self) -> None:
        if self._lead_fd is not None:
            os.close(self._lead_fd)  # the lock goes with it
        self._lead_fd, self._leads = None, False


def _begin_soon(writer: Connection) -> None:
    """``BEGIN IMMEDIATE`` on ``writer``, waiting at most ``TURN_WAIT`` for the write
    turn and for SQLite's lock; raises OperationalError past that (round skipped)."""
    raw = writer.connection.dbapi_connection
    waited = getattr(raw, "wait_limit", None)
    if waited is not None:
        raw.wait_limit = TURN_WAIT  # type: ignore[union-attr]
    writer.exec_driver_sql(_BRIEF_BUSY_PRAGMA)
    try:
        writer.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        writer.exec_driver_sql(BUSY_PRAGMA)
        if waited is not None:
            raw.wait_limit = waited  # type: ignore[union-attr]
