"""Snapshots are stored exactly as published, and storing one twice stores nothing new."""

from __future__ import annotations

import contextlib
import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.rates import store as store_module
from services.rates.store import Stored, store_snapshot, store_snapshots
from shared import contracts
from shared.db import make_engine, make_session_factory
from shared.models import RateQuote, RateSnapshot, RateSnapshotSource


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


def test_a_batch_stores_what_one_at_a_time_would(session: Session) -> None:
    """One transaction for the batch: the same ticker on several pages is one
    snapshot, created by the first of them; a malformed payload gets its error
    alone; every submission's snapshot is noted as arrived."""
    before = store_snapshot(
        session, payload(SAMPLE_QUOTES, sid="s0", at="2025-12-14T00:00:00+00:00")
    )
    batch = [
        payload(SAMPLE_QUOTES, sid="s1"),
        payload([("KGS", "USD", "1e", "0%")], sid="bad"),
        payload(list(reversed(SAMPLE_QUOTES)), sid="s2"),
        payload(SAMPLE_QUOTES, sid="s3", at="2025-12-14T00:00:00+00:00"),
        payload(SAMPLE_QUOTES, sid="s1"),
    ]
    results = store_snapshots(session, batch)
    first, bad, second, earlier, again = results
    assert isinstance(first, Stored) and first.created and first.submission_id == "s1"
    assert isinstance(bad, contracts.ContractError)
    assert isinstance(second, Stored) and not second.created
    assert (second.snapshot_id, second.submission_id) == (first.snapshot_id, "s1")
    assert isinstance(earlier, Stored) and not earlier.created
    assert (earlier.snapshot_id, earlier.submission_id) == (before.snapshot_id, "s0")
    assert isinstance(again, Stored) and not again.created and again.submission_id == "s1"
    session.rollback()  # committed: nothing is left to undo
    assert session.scalar(select(func.count()).select_from(RateSnapshot)) == 2
    assert session.scalar(select(func.count()).select_from(RateQuote)) == 6
    sources = session.execute(
        select(RateSnapshotSource.snapshot_id, RateSnapshotSource.submission_id)
    ).all()
    assert sorted(sources) == sorted(
        [
            (before.snapshot_id, "s0"),
            (first.snapshot_id, "s1"),
            (first.snapshot_id, "s2"),
            (before.snapshot_id, "s3"),
        ]
    )


def test_a_payload_the_database_refuses_fails_alone(session: Session) -> None:
    """A value the contract lets through but a column refuses (PostgreSQL checks
    lengths) is that payload's error; the batch's others are stored."""
    batch = [
        payload(SAMPLE_QUOTES, sid="s1"),
        payload([("KGS", "USD", "0.01144", "+" + "9" * 20 + "%")], sid="s2"),
        payload(SAMPLE_QUOTES, sid="s3", at="2025-12-16T00:00:00+00:00"),
    ]
    first, refused, last = store_snapshots(session, batch)
    assert isinstance(first, Stored) and first.created
    assert isinstance(last, Stored) and last.created
    session.rollback()
    stored = session.scalars(select(RateSnapshot.submission_id)).all()
    assert {"s1", "s3"} <= set(stored)
    if session.get_bind().dialect.name == "postgresql":
        assert isinstance(refused, Exception) and "s2" not in stored


def test_concurrent_batches_with_the_same_new_snapshots_both_store(
    session: Session, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers' batches hold the same two new snapshots in opposite orders:
    each insert waits on the other's uncommitted row (PostgreSQL), which must not
    deadlock one batch into failing."""
    day = payload(SAMPLE_QUOTES, sid="a1")
    other = payload(SAMPLE_QUOTES, sid="a2", at="2025-12-16T00:00:00+00:00")
    batches = {
        "a": [day, other],
        "b": [{**other, "submission_id": "b1"}, {**day, "submission_id": "b2"}],
    }
    staged = threading.Barrier(2)
    stage = store_module._stage
    first: dict[int, bool] = {}

    def paced(*args: object, **kwargs: object) -> object:
        result = stage(*args, **kwargs)  # type: ignore[arg-type]
        if first.setdefault(threading.get_ident(), True):
            first[threading.get_ident()] = False
            # Both have staged one snapshot (unless one waits on the other's).
            with contextlib.suppress(threading.BrokenBarrierError):
                staged.wait(timeout=2)
        return result

    monkeypatch.setattr(store_module, "_stage", paced)
    engine = make_engine(db_url)
    outcomes: dict[str, object] = {}

    def run(name: str) -> None:
        with make_session_factory(engine)() as s:
            try:
                outcomes[name] = store_snapshots(s, batches[name])
            except Exception as exc:
                outcomes[name] = exc

    threads = [threading.Thread(target=run, args=(name,)) for name in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    engine.dispose()
    for name in batches:
        assert isinstance(outcomes[name], list), outcomes[name]
        assert all(isinstance(r, Stored) for r in outcomes[name])  # type: ignore[attr-defined]
    assert session.scalar(select(func.count()).select_from(RateSnapshot)) == 2
