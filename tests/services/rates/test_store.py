"""Snapshots are stored exactly as published, and storing one twice stores nothing new."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.rates.store import store_snapshot
from shared import contracts
from shared.models import RateQuote, RateSnapshot


def payload(
    quotes: list[tuple[str, str, str, str]], sid: str = "s1", at: str = "2025-12-15T00:00:00+00:00"
) -> contracts.StoreSnapshot:
    return {
        "submission_id": sid,
        "observed_at": at,
        "source": "timesca",
        "quotes": [{"base": b, "quote": q, "rate": r, "change": c} for b, q, r, c in quotes],
    }


SAMPLE_QUOTES = [
    ("KGS", "USD", "0.01144", "0%"),
    ("KZT", "USD", "0.00192", "-0%"),
    ("TMT", "USD", "0.28490", "0%"),
] * 3


def test_exact_decimals_and_changes_round_trip(session: Session) -> None:
    stored = store_snapshot(session, payload(SAMPLE_QUOTES))
    assert stored.created and stored.quotes == 3
    session.expire_all()
    quotes = session.scalars(select(RateQuote).order_by(RateQuote.id)).all()
    assert [(q.base, q.quote, str(q.rate), q.change) for q in quotes] == [
        ("KGS", "USD", "0.01144", "0%"),
        ("KZT", "USD", "0.00192", "-0%"),
        ("TMT", "USD", "0.28490", "0%"),
    ]
    assert quotes[2].rate == Decimal("0.28490") and str(quotes[2].rate) == "0.28490"


def test_storing_twice_stores_nothing_new(session: Session) -> None:
    first = store_snapshot(session, payload(SAMPLE_QUOTES))
    again = store_snapshot(session, payload(list(reversed(SAMPLE_QUOTES)), sid="s2"))
    assert not again.created and again.snapshot_id == first.snapshot_id
    assert session.scalar(select(func.count()).select_from(RateSnapshot)) == 1
    assert session.scalar(select(func.count()).select_from(RateQuote)) == 3


def test_another_day_is_another_snapshot(session: Session) -> None:
    store_snapshot(session, payload(SAMPLE_QUOTES))
    store_snapshot(session, payload(SAMPLE_QUOTES, at="2025-12-16T00:00:00+00:00"))
    assert session.scalar(select(func.count()).select_from(RateSnapshot)) == 2


def test_a_pair_quoted_twice_differently_is_kept_and_flagged(session: Session) -> None:
    stored = store_snapshot(
        session,
        payload(
            [
                ("KGS", "USD", "0.01144", "0%"),
                ("KGS", "USD", "0.01150", "0.5%"),
                ("KZT", "USD", "0.00192", "-0%"),
            ]
        ),
    )
    assert stored.conflicts == 1
    snap = session.get(RateSnapshot, stored.snapshot_id)
    assert snap is not None and snap.has_conflicts
    flagged = {(q.base, str(q.rate)) for q in snap.quotes if q.conflict}
    assert flagged == {("KGS", "0.01144"), ("KGS", "0.01150")}


def test_malformed_payload_is_refused(session: Session) -> None:
    with pytest.raises(contracts.ContractError):
        store_snapshot(session, payload([("KGS", "USD", "1e", "0%")]))
    with pytest.raises(contracts.ContractError):
        store_snapshot(session, payload(SAMPLE_QUOTES, at="2025-12-15T00:00:00"))
