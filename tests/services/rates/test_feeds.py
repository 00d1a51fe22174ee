"""The rate feeds on SQLite and PostgreSQL: per snapshot, per pair (with RSS-CB), and moves."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import feedparser
import pytest
from flask.testing import FlaskClient
from lxml import etree

from services.feed.app import create_app
from services.feed.render.exchange_rate import CB_NS, decimals
from services.rates.feeds import move_entries
from shared.db import make_engine, make_session_factory
from shared.settings import Settings
from tests.services.feed.render.feed_render_checks import feed_problems
from tests.services.rates.test_api import BASE, HISTORY, SAMPLE, T0, store

CB = {"cb": CB_NS, "dc": "http://purl.org/dc/elements/1.1/"}


@pytest.fixture
def client(settings: Settings) -> FlaskClient:
    return create_app(settings, watch_changes=False).test_client()


@pytest.fixture
def ids(settings: Settings) -> list[int]:
    return store(settings.db_url, HISTORY)


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
@pytest.mark.parametrize("path", ["/feeds/rates", "/feeds/rates/TMT-USD", "/feeds/rates-moves"])
def test_rate_feeds_are_valid(client: FlaskClient, ids: list[int], path: str, fmt: str) -> None:
    resp = client.get(f"{path}.{fmt}")
    assert resp.status_code == 200
    assert feed_problems(fmt, resp.data, f"{BASE}{path}.{fmt}") == []


def test_one_entry_per_snapshot_titled_with_its_date_listing_every_pair(
    client: FlaskClient, ids: list[int]
) -> None:
    parsed = feedparser.parse(client.get("/feeds/rates.atom").data)
    assert [e.title for e in parsed.entries] == [
        "Currency ticker, 2025-12-15",
        "Currency ticker, 2025-12-14",
        "Currency ticker, 2025-12-14",
        "Currency ticker, 2025-12-13",
    ]
    newest = parsed.entries[0]
    assert newest.id == f"{BASE}/api/v1/rates/snapshots/{ids[-1]}"
    assert newest.link == f"{BASE}/rates?snapshot={ids[-1]}"
    assert newest.summary == "; ".join(f"{b}/{q} = {r} {c}" for b, q, r, c in SAMPLE)


def test_pair_feed_rss_carries_rss_cb_exchange_rates(client: FlaskClient, ids: list[int]) -> None:
    root = etree.fromstring(client.get("/feeds/rates/KGS-USD.rss").data)
    items = root.findall("channel/item")
    assert [i.findtext("title") for i in items] == [
        "KGS/USD 0.01144 (0%), 2025-12-15",
        "KGS/USD 0.01142 (0.1%), 2025-12-14",
        "KGS/USD 0.01141 (0%), 2025-12-14",
        "KGS/USD 0.01140 (0%), 2025-12-13",
    ]
    rate = items[0].find("cb:statistics/cb:exchangeRate", CB)
    assert rate is not None
    value = rate.find("cb:value", CB)
    assert value is not None and value.text == "0.01144" and value.get("decimals") == "5"
    assert rate.findtext("cb:baseCurrency", namespaces=CB) == "KGS"
    assert rate.findtext("cb:targetCurrency", namespaces=CB) == "USD"
    assert items[0].findtext("dc:date", namespaces=CB) == "2025-12-15T00:00:00+00:00"
    # Trailing zeros are published digits: 0.28490 has five decimals.
    tmt = etree.fromstring(client.get("/feeds/rates/TMT-USD.rss").data)
    value = tmt.find("channel/item/cb:statistics/cb:exchangeRate/cb:value", CB)
    assert value is not None and (value.text, value.get("decimals")) == ("0.28490", "5")
    # Only RSS has it; other feeds declare no cb namespace.
    assert CB_NS.encode() not in client.get("/feeds/rates/KGS-USD.atom").data
    assert CB_NS.encode() not in client.get("/feeds/rates.rss").data


def test_unknown_pair_has_no_feed(client: FlaskClient, ids: list[int]) -> None:
    resp = client.get("/feeds/rates/EUR-USD.rss")
    assert resp.status_code == 404 and resp.mimetype == "application/problem+json"


def test_decimals_as_published() -> None:
    assert [decimals(t) for t in ("0.28490", "0.00008", "12500", "1.5")] == [5, 5, 0, 1]


def moves(settings: Settings, threshold: str) -> list[str]:
    engine = make_engine(settings.db_url)
    with make_session_factory(engine)() as session:
        entries = move_entries(session, BASE, 50, Decimal(threshold))
    engine.dispose()
    return [e.title for e in entries]


def test_moves_feed_has_an_entry_only_beyond_the_threshold(settings: Settings) -> None:
    store(
        settings.db_url,
        [
            (T0, [("KGS", "USD", "0.01000", "0%"), ("KZT", "USD", "0.00200", "0%")]),
            # +0.4% and -0.5%: neither is more than 0.5%.
            (
                T0 + timedelta(days=1),
                [("KGS", "USD", "0.01004", "0%"), ("KZT", "USD", "0.00199", "-0.5%")],
            ),
            # +1.2% for KGS; KZT unchanged.
            (
                T0 + timedelta(days=2),
                [("KGS", "USD", "0.01016", "1.2%"), ("KZT", "USD", "0.00199", "0%")],
            ),
            # A conflicting pair is no single value: no move from or to it.
            (
                T0 + timedelta(days=3),
                [("KGS", "USD", "0.02000", "0%"), ("KGS", "USD", "0.03000", "0%")],
            ),
            # Down 1.57% from the last single KGS value (0.01016).
            (T0 + timedelta(days=4), [("KGS", "USD", "0.01000", "-1.6%")]),
        ],
    )
    assert moves(settings, "0.5") == [
        "KGS/USD down 1.57% to 0.01000, 2025-12-17",
        "KGS/USD up 1.20% to 0.01016, 2025-12-15",
    ]
    assert moves(settings, "0.3") == [
        "KGS/USD down 1.57% to 0.01000, 2025-12-17",
        "KGS/USD up 1.20% to 0.01016, 2025-12-15",
        "KZT/USD down 0.50% to 0.00199, 2025-12-14",
        "KGS/USD up 0.40% to 0.01004, 2025-12-14",
    ]
    assert moves(settings, "5") == []
    # Served, the feed uses the configured threshold (SILKFEED_RATES_MOVE_THRESHOLD_PCT).
    app = create_app(
        settings.model_copy(update={"rates_move_threshold_pct": Decimal("0.45")}),
        watch_changes=False,
    )
    parsed = feedparser.parse(app.test_client().get("/feeds/rates-moves.rss").data)
    assert [e.title for e in parsed.entries] == [
        "KGS/USD down 1.57% to 0.01000, 2025-12-17",
        "KGS/USD up 1.20% to 0.01016, 2025-12-15",
        "KZT/USD down 0.50% to 0.00199, 2025-12-14",
    ]
    assert parsed.entries[0].summary == (
        "KGS/USD moved from 0.01016 (2025-12-15) to 0.01000 (2025-12-17): -1.57%, "
        "more than the 0.45% threshold."
    )
