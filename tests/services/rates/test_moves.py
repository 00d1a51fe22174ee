"""A pair's moves kept between renders are always what a full read of the history
gives: as quotes arrive in order, out of order, conflicting, and when snapshots
are deleted; and only the quotes added since are read when the history grew at
its end."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, event
from sqlalchemy.orm import Session

from services.rates import moves
from services.rates.moves import pair_moves, scan_moves
from shared.db import make_engine, make_session_factory
from shared.models import RateSnapshot
from shared.settings import Settings
from tests.services.rates.test_api import T0, store

PAIR = ("KGS", "USD")


@pytest.fixture
def sessions(settings: Settings) -> Iterator[Session]:
    engine = make_engine(settings.db_url)
    yield make_session_factory(engine)
    engine.dispose()


def _snapshot(at: datetime, rate: str, conflict_with: str | None = None) -> tuple:
    quotes = [("KGS", "USD", rate, "0%"), ("KZT", "USD", "0.00192", "0%")]
    if conflict_with is not None:
        quotes.append(("KGS", "USD", conflict_with, "0%"))
    return (at, quotes)


def _same_as_a_full_read(sessions, threshold: Decimal, limit: int) -> list:  # type: ignore[no-untyped-def]
    with sessions() as session:
        kept = pair_moves(session, PAIR, threshold, limit)
    with sessions() as session:
        full = scan_moves(session, PAIR, threshold, limit)
    assert kept == full
    return kept


def test_kept_moves_follow_every_change_of_the_history(
    settings: Settings,
    sessions,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    # The window moves within the test (a full read takes whole pages of quotes).
    monkeypatch.setattr(moves, "MOVES_LOOKBACK", 9)
    monkeypatch.setattr(moves, "_PAGE", 3)
    rng = random.Random(15)
    rate, at, ids = 10_000, T0, []
    for _step in range(60):
        at += timedelta(hours=1)
        rate = max(1, rate + rng.randint(-300, 300))
        shown = f"0.{rate:05d}"
        kind = rng.random()
        if kind < 0.1:
            ids += store(settings.db_url, [_snapshot(at, shown, conflict_with="0.09999")])
        elif kind < 0.15:
            # A page observed earlier, posted now: it lands inside the history.
            ids += store(settings.db_url, [_snapshot(at - timedelta(hours=5, minutes=30), shown)])
        elif kind < 0.2 and ids:
            with sessions() as session:
                session.execute(delete(RateSnapshot).where(RateSnapshot.id == ids.pop(0)))
                session.commit()
        elif kind < 0.23:
            ids += store(settings.db_url, [_snapshot(at, "0")])  # no value to compare with
        else:
            ids += store(settings.db_url, [_snapshot(at, shown)])
        for threshold, limit in ((Decimal("0.5"), 4), (Decimal("2"), 50)):
            _same_as_a_full_read(sessions, threshold, limit)
    assert _same_as_a_full_read(sessions, Decimal("0.5"), 4)  # moves were found


def test_a_history_grown_at_its_end_is_read_from_where_it_was(
    settings: Settings,
    sessions,  # type: ignore[no-untyped-def]
) -> None:
    store(
        settings.db_url, [_snapshot(T0 + timedelta(days=i), f"0.0{100 + 3 * i}") for i in range(30)]
    )
    threshold = Decimal("1")
    _same_as_a_full_read(sessions, threshold, 50)
    store(settings.db_url, [_snapshot(T0 + timedelta(days=40), "0.02000")])
    statements: list[str] = []
    with sessions() as session:
        engine = session.get_bind()

        def seen(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", seen)
        try:
            found = pair_moves(session, PAIR, threshold, 50)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    assert found[0].new.rate == Decimal("0.02000")
    # The version, then the one quote added: no page of the history.
    assert len(statements) == 2
    assert "LIMIT" not in statements[1].upper()
    with sessions() as session:
        assert found == scan_moves(session, PAIR, threshold, 50)
