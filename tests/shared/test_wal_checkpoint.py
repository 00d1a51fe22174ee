"""SQLite's log is copied into the database by a thread, not by the commit that
crosses a size: commits stay short, and the log stays bounded."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from sqlalchemy import event, text

from shared.db import make_engine
from shared.wal_checkpoint import BACKSTOP_PAGES, WalCheckpointer

# Well past SQLite's default checkpoint at 1,000 pages of log.
ROWS = 1_500
ROW_BYTES = 4_000


def _fill(engine, rows: int = ROWS) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v BLOB)"))
    for i in range(rows):
        # One commit per row, as renders and ingests commit.
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t (v) VALUES (:v)"), {"v": bytes([i % 251]) * ROW_BYTES})


def _log_pages(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size // 4096 if wal.exists() else 0


def test_connections_checkpoint_by_themselves_only_past_the_backstop(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == BACKSTOP_PAGES
    _fill(engine)
    # No commit copied the log back: it holds every page written so far.
    assert _log_pages(tmp_path / "a.db") > 1_000
    engine.dispose()


def test_a_checkpoint_copies_the_log_and_writers_then_reuse_it(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    engine = make_engine(f"sqlite:///{path}")
    _fill(engine)
    checkpointer = WalCheckpointer(engine)
    busy, logged, copied = checkpointer.checkpoint()  # type: ignore[misc]
    assert busy == 0 and logged > 1_000 and copied == logged
    size = _log_pages(path)
    # A checkpointed log is written over from its start: it does not grow.
    _fill(engine, rows=200)
    assert _log_pages(path) == size
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == ROWS + 200
    engine.dispose()


def test_the_thread_keeps_the_log_checkpointed(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    engine = make_engine(f"sqlite:///{path}")
    checkpointer = WalCheckpointer(engine, interval=0.05)
    results: list[tuple[int, int, int] | None] = []
    run_one = checkpointer.checkpoint

    def recorded() -> tuple[int, int, int] | None:
        results.append(run_one())
        return results[-1]

    checkpointer.checkpoint = recorded  # type: ignore[method-assign]
    checkpointer.start()
    try:
        _fill(engine, rows=300)
        deadline = time.monotonic() + 10
        # The thread copies the whole log by itself (no commit crossed the backstop).
        while not any(r and r[1] >= 300 and r[2] == r[1] for r in results):
            assert time.monotonic() < deadline, f"log not checkpointed: {results[-3:]}"
            time.sleep(0.05)
    finally:
        checkpointer.stop()
    engine.dispose()


def test_nothing_to_do_for_a_database_in_memory(tmp_path: Path) -> None:
    engine = make_engine("sqlite://")
    checkpointer = WalCheckpointer(engine, interval=0.01)
    checkpointer.start()
    assert checkpointer._thread is None
    checkpointer.stop()


def test_no_writer_can_start_the_log_over_while_a_checkpoint_runs(tmp_path: Path) -> None:
    """SQLite's WAL-reset race (up to 3.51.2) needs a writer's transaction during
    the checkpoint: the checkpoint holds the write lock."""
    path = tmp_path / "d.db"
    engine = make_engine(f"sqlite:///{path}")
    _fill(engine, rows=50)
    outcomes: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _try_to_write(conn, cursor, statement, *_: object) -> None:  # type: ignore[no-untyped-def]
        if "wal_checkpoint" not in statement:
            return
        other = sqlite3.connect(path, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("INSERT INTO t (v) VALUES (x'00')")
            other.commit()
            outcomes.append("wrote")
        except sqlite3.OperationalError as exc:
            outcomes.append(str(exc))
        finally:
            other.close()

    busy, logged, copied = WalCheckpointer(engine).checkpoint()  # type: ignore[misc]
    assert outcomes == ["database is locked"]
    assert busy == 0 and copied == logged > 0
    # The lock is given back: writers go on after the checkpoint.
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t (v) VALUES (x'01')"))
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 51
    engine.dispose()


def test_a_checkpoint_skips_its_round_when_a_writer_holds_the_lock(tmp_path: Path) -> None:
    """The checkpoint waits for a long write only briefly; the next round tries again."""
    path = tmp_path / "e.db"
    engine = make_engine(f"sqlite:///{path}")
    _fill(engine, rows=50)
    checkpointer = WalCheckpointer(engine, guarded=True)
    with engine.connect() as holder:
        holder.exec_driver_sql("BEGIN IMMEDIATE")
        started = time.monotonic()
        assert checkpointer.checkpoint() is None
        assert time.monotonic() - started < 2
        holder.rollback()
    # The writer's connection keeps its usual patience afterwards.
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    assert checkpointer.checkpoint() is not None
    engine.dispose()


def test_an_sqlite_without_the_race_checkpoints_unguarded(tmp_path: Path) -> None:
    path = tmp_path / "f.db"
    engine = make_engine(f"sqlite:///{path}")
    _fill(engine, rows=50)
    with engine.connect() as holder:
        holder.exec_driver_sql("BEGIN IMMEDIATE")
        # A writer in the middle of its transaction does not hold the checkpoint up.
        assert WalCheckpointer(engine, guarded=False).checkpoint() is not None
        holder.rollback()
    engine.dispose()


def test_the_checkpoints_brief_busy_timeout_is_its_turn_wait() -> None:
    """The two are written apart (no SQL is formatted): they must say the same."""
    from shared import wal_checkpoint

    brief = wal_checkpoint._BRIEF_BUSY_PRAGMA
    assert brief.endswith(f"={round(wal_checkpoint.TURN_WAIT * 1000)}")


def test_one_checkpointer_per_database_leads_until_it_stops(tmp_path: Path) -> None:
    """Two processes' checkpointers on one file: the one holding the lead file runs
    the rounds; the other takes over once it lets go."""
    engine = make_engine(f"sqlite:///{tmp_path / 'g.db'}")
    first, second = WalCheckpointer(engine), WalCheckpointer(engine)
    assert first.leads() and not second.leads()
    assert first.leads()
    first._let_go()
    assert second.leads() and not first.leads()
    second._let_go()
    other = WalCheckpointer(make_engine(f"sqlite:///{tmp_path / 'h.db'}"))
    assert other.leads()  # another database has its own
    other._let_go()
    engine.dispose()


def test_a_round_runs_only_after_a_commit(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'i.db'}")
    _fill(engine, rows=5)
    checkpointer = WalCheckpointer(engine, interval=0.02)
    rounds: list[tuple[int, int, int] | None] = []
    run_one = checkpointer.checkpoint

    def counted() -> tuple[int, int, int] | None:
        rounds.append(run_one())
        return rounds[-1]

    checkpointer.checkpoint = counted  # type: ignore[method-assign]
    checkpointer.start()
    try:
        deadline = time.monotonic() + 10
        while not rounds:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(0.1)  # a copied log and no commit since: no round
        idle = len(rounds)
        time.sleep(0.3)
        assert len(rounds) == idle
        _fill(engine, rows=1)
        while len(rounds) == idle:
            assert time.monotonic() < deadline, "no round after a commit"
            time.sleep(0.02)
    finally:
        checkpointer.stop()
    engine.dispose()
