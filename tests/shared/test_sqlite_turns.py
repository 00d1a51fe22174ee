"""SQLite writers take turns through a lock file: a waiting writer goes on as soon
as the one before it ends, not after SQLite's busy handler's next sleep."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text

from shared.db import make_engine
from shared.sqlite_turns import TurnConnection

HOLD = 0.24  # s; SQLite's busy handler would look again only 328 ms in


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'turns.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)")
    yield engine
    engine.dispose()


def _raw(conn: Connection) -> TurnConnection:
    raw = conn.connection.dbapi_connection
    assert isinstance(raw, TurnConnection)
    return raw


def test_a_waiting_writer_goes_on_when_the_turn_ends(engine: Engine) -> None:
    started = threading.Event()
    done: dict[str, float] = {}

    def second_writer() -> None:
        started.set()
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t (v) VALUES ('second')"))
        done["at"] = time.monotonic()

    with engine.connect() as first:
        first.execute(text("INSERT INTO t (v) VALUES ('first')"))
        thread = threading.Thread(target=second_writer)
        thread.start()
        started.wait()
        time.sleep(HOLD)
        assert "at" not in done  # still waiting for its turn
        first.commit()
        released = time.monotonic()
        assert not _raw(first)._has_turn
    thread.join(10)
    assert done["at"] - released < 0.04, "the waiting writer did not go on at once"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT v FROM t ORDER BY id")).scalars().all() == [
            "first",
            "second",
        ]


def test_the_turn_ends_with_rollback_autocommit_and_failure(engine: Engine) -> None:
    with engine.connect() as conn:
        raw = _raw(conn)
        conn.execute(text("INSERT INTO t (v) VALUES ('a')"))
        assert raw._has_turn
        conn.rollback()
        assert not raw._has_turn
        conn.execute(text("INSERT INTO t (v) VALUES ('a')"))
        conn.commit()
        # A statement that fails leaves the transaction open: the turn is kept
        # until the caller rolls back.
        with pytest.raises(Exception, match="UNIQUE"):
            conn.execute(text("INSERT INTO t (v) VALUES ('a')"))
        conn.rollback()
        assert not raw._has_turn
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("INSERT INTO t (v) VALUES ('b')"))
        assert not _raw(conn)._has_turn  # no transaction left open, no turn held
    # Reads never take a turn.
    with engine.connect() as conn:
        conn.execute(text("SELECT count(*) FROM t")).scalar()
        assert not _raw(conn)._has_turn


def test_a_thread_never_waits_for_its_own_turn(engine: Engine) -> None:
    """Writing through a second connection while the first holds the turn falls
    back to SQLite's own locking (which refuses after its busy timeout) instead of
    waiting for ever."""
    with engine.connect() as first, engine.connect() as second:
        first.execute(text("INSERT INTO t (v) VALUES ('a')"))
        second.exec_driver_sql("PRAGMA busy_timeout=50")
        t0 = time.monotonic()
        with pytest.raises(Exception, match="locked"):
            second.execute(text("INSERT INTO t (v) VALUES ('b')"))
        assert time.monotonic() - t0 < 5
        assert not _raw(second)._has_turn
        second.rollback()
        first.commit()


def test_no_turns_in_memory() -> None:
    engine = make_engine("sqlite://")
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert not isinstance(raw, TurnConnection) or raw.turn_path is None
        conn.exec_driver_sql("CREATE TABLE t (v TEXT)")
        conn.execute(text("INSERT INTO t VALUES ('a')"))
        conn.commit()
    engine.dispose()


def test_writes_go_on_without_turns_when_the_lock_file_cannot_be_opened(
    engine: Engine, tmp_path: Path
) -> None:
    with engine.connect() as conn:
        raw = _raw(conn)
        raw.turn_path = str(tmp_path / "missing-dir" / "turns.db-write.lock")
        conn.execute(text("INSERT INTO t (v) VALUES ('a')"))
        assert not raw._has_turn
        conn.commit()
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 1


def test_a_turn_never_outlives_its_connection(engine: Engine, tmp_path: Path) -> None:
    import gc
    import sqlite3

    path = str(tmp_path / "turns.db")
    lost = sqlite3.connect(path, factory=TurnConnection)
    lost.turn_path = path + "-write.lock"
    lost.execute("INSERT INTO t (v) VALUES ('lost')")  # the shortcut goes through turns too
    assert lost._has_turn
    del lost
    gc.collect()
    # The next writer has its turn at once (it would wait the whole wait_limit).
    t0 = time.monotonic()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t (v) VALUES ('next')"))
    assert time.monotonic() - t0 < 1
    other = sqlite3.connect(path, factory=TurnConnection)
    other.turn_path = path + "-write.lock"
    other.execute("INSERT INTO t (v) VALUES ('x')")
    other.execute("COMMIT")  # a COMMIT statement ends the turn as commit() does
    assert not other._has_turn
    other.close()
