"""A look at whether anything was committed since the last look, for rounds that
only matter after a commit."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from shared.commit_watch import CommitWatch


def _commit(path: Path, value: int) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS t (v INTEGER)")
        conn.execute("INSERT INTO t VALUES (?)", (value,))
        conn.commit()
    finally:
        conn.close()


def test_a_commit_by_another_connection_is_seen_once(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    _commit(path, 1)
    sqlite3.connect(path).execute("PRAGMA journal_mode=WAL").close()
    watch = CommitWatch(str(path))
    assert watch.changed()  # the first look: nothing to compare with
    assert not watch.changed()
    _commit(path, 2)
    assert watch.changed()
    assert not watch.changed()
    watch.close()
    assert watch.changed()  # closed: it cannot tell


def test_without_an_sqlite_file_every_look_is_a_change(tmp_path: Path) -> None:
    assert CommitWatch(None).changed() and CommitWatch(None).changed()
    missing = tmp_path / "none.db"
    watch = CommitWatch(str(missing))
    assert watch.changed() and watch.changed()
    assert not missing.exists()  # a look makes no database
