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
