"""Whether anything was committed to an SQLite database since the last look.

A background round that only matters after a commit (a checkpoint of the log,
a sweep for renders whose announcement was lost) asks first, and an idle
stack's rounds cost a look each instead of a transaction and its statements.
The look is ``PRAGMA data_version`` on a connection of its own, which changes
whenever another connection, in any process, has committed since the
connection's previous look (a few microseconds, no table read). A database
that is not an SQLite file, or a look that fails, counts as changed: the
caller does its round as it would without asking.
"""

from __future__ import annotations

import os
import sqlite3


class CommitWatch:
    """Asks one database, from one thread, whether it changed since the last ask.

    ``path``: the SQLite file; None for any other database (always changed).
    """

    def __init__(self, path: str | None) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None

    def changed(self) -> bool:
        """True when a commit was made since the previous call (and on the first
        call, and whenever it cannot be told)."""
        if self._path is None:
            return True
        try:
            if self._conn is None:
                if not os.path.exists(self._path):
                    return True  # made by its first writer, not by a look
                # Never written through: its looks are the only use it has.
                self._conn = sqlite3.connect(self._path, check_same_thread=False)
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            self.close()
            return True
        changed = version != self._version
        self._version = version
        return changed

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None
        self._version = None
