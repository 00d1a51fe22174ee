"""Each pair's most recent quote across snapshots, on SQLite and PostgreSQL: every
pair ever quoted (several quotes of one base, several bases), each at its last
quote with its own snapshot and time, a pair quoted twice at once as both."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from services.rates.latest_quotes import latest_quotes
from shared.db import make_engine
from shared.settings import Settings
from tests.services.rates.test_api import T0, store


def test_every_pair_is_at_its_last_quote(settings: Settings) -> None:
    ids = store(
        settings.db_url,
        [
            (T0, [("KGS", "EUR", "0.0098", "0%"), ("KGS", "RUB", "0.90", "0%")]),
            (T0, [("AZN", "USD", "0.588", "0%"), ("AZN", "USD", "0.590", "0.3%")]),
            (T0 + timedelta(days=1), [("KGS", "EUR", "0.0099", "1%"), ("UZS", "USD", "0.00008", "0%")]),
            (T0 + timedelta(days=2), [("KZT", "USD", "0.00192", "-0%")]),
        ],
    )
    engine = make_engine(settings.db_url)
    with engine.connect() as conn:
        snap = latest_quotes(conn)
    engine.dispose()
    assert snap is not None and snap.id == ids[-1]
    found = [
        (q.pair, q.rate, q.conflict, q.snapshot_id, q.observed_on and q.observed_on.isoformat())
        for q in snap.quotes
    ]
    day = [(T0 + timedelta(days=n)).date().isoformat() for n in range(3)]
    assert found == [
        ("KZT/USD", Decimal("0.00192"), False, ids[3], day[2]),
        ("AZN/USD", Decimal("0.588"), True, ids[1], day[0]),
        ("AZN/USD", Decimal("0.590"), True, ids[1], day[0]),
        ("KGS/EUR", Decimal("0.0099"), False, ids[2], day[1]),
        ("KGS/RUB", Decimal("0.90"), False, ids[0], day[0]),
        ("UZS/USD", Decimal("0.00008"), False, ids[2], day[1]),
    ]
    assert all(q.observed_at is not None for q in snap.quotes)
