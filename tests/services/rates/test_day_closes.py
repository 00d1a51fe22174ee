"""rate_day_closes, kept by triggers: each pair's last quote of each day, whoever writes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.rates.store import store_snapshot
from shared.db import make_engine, make_session_factory
from shared.migrate import upgrade
from shared.models import RateQuote, RateSnapshot
from shared.models.rates import RateDayClose
from tests.support.databases import postgres_database, sqlite_database

DAY = datetime(2025, 12, 15, tzinfo=UTC)


def put(session: Session, at: datetime, *quotes: tuple[str, str], sid: str = "s") -> int:
    return store_snapshot(
        session,
        {
            "submission_id": sid,
            "observed_at": at.isoformat(),
            "source": "test",
            "quotes": [
                {"base": p[:3], "quote": p[4:], "rate": r, "change": "0%"} for p, r in quotes
            ],
        },
    ).snapshot_id


def put_before_migrations(session: Session, at: datetime, *quotes: tuple[str, str]) -> None:
    """A snapshot as the 0001 schema held it (no table newer than that is touched)."""
    session.add(
        RateSnapshot(
            observed_at=at,
            observed_on=at.date(),
            digest=f"d{at.isoformat()}",
            source="test",
            submission_id="s",
            has_conflicts=False,
            quotes=[
                RateQuote(base=p[:3], quote=p[4:], rate=Decimal(r), change="0%", observed_at=at)
                for p, r in quotes
            ],
        )
    )
    session.commit()


def closes(session: Session) -> list[tuple[str, str, str, str, bool]]:
    session.expire_all()
    rows = session.scalars(
        select(RateDayClose).order_by(RateDayClose.day, RateDayClose.base, RateDayClose.quote)
    )
    return [
        (c.day.isoformat(), f"{c.base}/{c.quote}", str(c.rate), c.change, c.conflict) for c in rows
    ]


def test_the_days_last_quote_wins_by_time_not_arrival(session: Session) -> None:
    put(session, DAY + timedelta(hours=12), ("KGS/USD", "0.01150"))
    put(session, DAY, ("KGS/USD", "0.01144"), ("KZT/USD", "0.00192"))  # arrives late, older
    put(session, DAY + timedelta(days=1, hours=23, minutes=59), ("KGS/USD", "0.01160"))
    assert closes(session) == [
        ("2025-12-15", "KGS/USD", "0.01150", "0%", False),
        ("2025-12-15", "KZT/USD", "0.00192", "0%", False),
        ("2025-12-16", "KGS/USD", "0.01160", "0%", False),
    ]


def test_same_time_the_later_arrival_wins_and_conflicts_are_flagged(session: Session) -> None:
    put(session, DAY, ("KGS/USD", "0.01144"))
    put(session, DAY, ("KGS/USD", "0.01147"), ("KGS/USD", "0.01149"), sid="t")
    assert closes(session) == [("2025-12-15", "KGS/USD", "0.01149", "0%", True)]


def test_deleting_a_close_falls_back_to_the_days_previous_quote(session: Session) -> None:
    put(session, DAY, ("KGS/USD", "0.01144"))
    last = put(session, DAY + timedelta(hours=6), ("KGS/USD", "0.01150"))
    session.execute(delete(RateSnapshot).where(RateSnapshot.id == last))
    session.commit()
    assert closes(session) == [("2025-12-15", "KGS/USD", "0.01144", "0%", False)]
    session.execute(delete(RateQuote))
    session.commit()
    assert closes(session) == []


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    # postgres_database skips (fails under CI=true) when there is no PostgreSQL.
    pg = request.param == "postgresql"
    ctx = postgres_database() if pg else sqlite_database(tmp_path)
    with ctx as url:
        yield url


def test_the_migration_computes_closes_for_quotes_stored_before_it(fresh_url: str) -> None:
    upgrade(fresh_url, "0001")
    engine = make_engine(fresh_url)
    with make_session_factory(engine)() as s:
        put_before_migrations(s, DAY, ("KGS/USD", "0.01144"), ("KZT/USD", "0.00192"))
        put_before_migrations(s, DAY + timedelta(hours=3), ("KGS/USD", "0.01145"))
        put_before_migrations(s, DAY + timedelta(days=1), ("KZT/USD", "0.00193"))
    upgrade(fresh_url)
    with make_session_factory(engine)() as s:
        assert closes(s) == [
            ("2025-12-15", "KGS/USD", "0.01145", "0%", False),
            ("2025-12-15", "KZT/USD", "0.00192", "0%", False),
            ("2025-12-16", "KZT/USD", "0.00193", "0%", False),
        ]
        # And the triggers run from then on.
        put(s, DAY + timedelta(days=1, hours=1), ("KZT/USD", "0.00194"))
        assert closes(s)[-1] == ("2025-12-16", "KZT/USD", "0.00194", "0%", False)
    engine.dispose()
