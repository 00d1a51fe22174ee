"""The rates API on SQLite and PostgreSQL: exact values, conversion, series, CSV,
validators and problem documents."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.feed.app import create_app
from services.rates.store import store_snapshot
from shared.db import make_engine, make_session_factory
from shared.settings import Settings

BASE = "http://feeds.example.test"
T0 = datetime(2025, 12, 13, tzinfo=UTC)
SAMPLE = [
    ("KGS", "USD", "0.01144", "0%"),
    ("KZT", "USD", "0.00192", "-0%"),
    ("TJS", "USD", "0.10895", "-0%"),
    ("UZS", "USD", "0.00008", "0%"),
    ("TMT", "USD", "0.28490", "0%"),
]
# (observed_at, quotes): two days before the sample page, two snapshots on one
# of them, then the sample page's ticker (the latest), as published.
HISTORY: list[tuple[datetime, Sequence[tuple[str, str, str, str]]]] = [
    (T0, [("KGS", "USD", "0.01140", "0%"), ("KZT", "USD", "0.00190", "0%")]),
    (T0 + timedelta(days=1), [("KGS", "USD", "0.01141", "0%"), ("KZT", "USD", "0.00191", "0.5%")]),
    (T0 + timedelta(days=1, hours=12), [("KGS", "USD", "0.01142", "0.1%")]),
    (T0 + timedelta(days=2), SAMPLE),
]


def store(
    db_url: str, history: Sequence[tuple[datetime, Sequence[tuple[str, str, str, str]]]]
) -> list[int]:
    """Store snapshots exactly as the rates worker does; returns their ids."""
    engine = make_engine(db_url)
    ids = []
    with make_session_factory(engine)() as session:
        for i, (at, quotes) in enumerate(history):
            stored = store_snapshot(
                session,
                {
                    "submission_id": f"sub{i}",
                    "observed_at": at.isoformat(),
                    "source": "timesca",
                    "quotes": [
                        {"base": b, "quote": q, "rate": r, "change": c} for b, q, r, c in quotes
                    ],
                },
            )
            ids.append(stored.snapshot_id)
    engine.dispose()
    return ids


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    yield create_app(settings, watch_changes=False)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def ids(settings: Settings) -> list[int]:
    return store(settings.db_url, HISTORY)


def get(client: FlaskClient, path: str, status: int = 200) -> dict:
    resp = client.get(path)
    assert resp.status_code == status, resp.data
    return resp.get_json()


def test_latest_is_the_sample_ticker_exactly_as_published(
    client: FlaskClient, ids: list[int]
) -> None:
    resp = client.get("/api/v1/rates/latest")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    doc = resp.get_json()
    assert doc["date"] == "2025-12-15"
    assert doc["observed_at"] == "2025-12-15T00:00:00+00:00"
    assert doc["snapshot_id"] == ids[-1] and doc["source"] == "timesca"
    assert [(r["pair"], r["base"], r["quote"], r["rate"], r["change"]) for r in doc["rates"]] == [
        (f"{b}/{q}", b, q, r, c) for b, q, r, c in SAMPLE
    ]
    # Decimal strings with their published places; "-0%" is not "0%".
    assert b'"rate":"0.28490"' in resp.data and b'"change":"-0%"' in resp.data


def test_a_day_gives_its_last_snapshot_and_says_which_day(
    client: FlaskClient, ids: list[int]
) -> None:
    doc = get(client, "/api/v1/rates/2025-12-14")
    assert doc["date"] == "2025-12-14" and doc["requested_date"] == "2025-12-14"
    assert doc["snapshot_id"] == ids[2]  # the later of the day's two snapshots
    assert [(r["pair"], r["rate"]) for r in doc["rates"]] == [("KGS/USD", "0.01142")]
    # A day without a snapshot falls back to the last one before it.
    doc = get(client, "/api/v1/rates/2026-01-31")
    assert doc["date"] == "2025-12-15" and doc["requested_date"] == "2026-01-31"
    problem = get(client, "/api/v1/rates/2025-12-01", 404)
    assert problem["type"].endswith("/no-rates")


def test_pairs_filter_keeps_only_those_pairs(client: FlaskClient, ids: list[int]) -> None:
    doc = get(client, "/api/v1/rates/latest?pairs=TMT-USD,UZS/USD")
    assert [(r["pair"], r["rate"]) for r in doc["rates"]] == [
        ("UZS/USD", "0.00008"),
        ("TMT/USD", "0.28490"),
    ]


def test_conversion_through_the_quote_currency(client: FlaskClient, ids: list[int]) -> None:
    doc = get(client, "/api/v1/rates/latest?base=USD&symbols=KZT,UZS&amount=100")
    assert doc["base"] == "USD" and doc["amount"] == "100" and doc["date"] == "2025-12-15"
    # 100 / 0.00192 = 52083.33…; 100 / 0.00008 = 1250000 exactly.
    assert doc["rates"] == {"KZT": "52083.3", "UZS": "1250000"}
    assert doc["precision"] == {"significant_digits": 6, "rounding": "half-even"}
    at = "2025-12-15T00:00:00+00:00"
    assert doc["derived_from"] == [
        {"pair": "KZT/USD", "rate": "0.00192", "change": "-0%", "snapshot_id": ids[-1]}
        | {"observed_at": at},
        {"pair": "UZS/USD", "rate": "0.00008", "change": "0%", "snapshot_id": ids[-1]}
        | {"observed_at": at},
    ]
    # A cross rate between two quoted currencies: KZT→KGS = 0.00192 / 0.01144.
    doc = get(client, "/api/v1/rates/2025-12-15?base=KZT&symbols=KGS")
    assert doc["rates"] == {"KGS": "0.167832"} and doc["amount"] == "1"
    assert [d["pair"] for d in doc["derived_from"]] == ["KZT/USD", "KGS/USD"]
    # Without symbols: every currency the base reaches; without base: the quote currency.
    doc = get(client, "/api/v1/rates/latest?amount=1")
    assert doc["base"] == "USD"
    assert doc["rates"] == {
        "KGS": "87.4126",
        "KZT": "520.833",
        "TJS": "9.17852",
        "TMT": "3.51",
        "UZS": "12500",
    }
    assert all(isinstance(v, str) for v in doc["rates"].values())


def test_latest_gives_each_pairs_most_recent_quote_across_snapshots(
    client: FlaskClient, settings: Settings, ids: list[int]
) -> None:
    # The next page's ticker carries one pair only: the others stay at their last quote.
    next_page = [(T0 + timedelta(days=3), [("KGS", "USD", "0.01145", "0%")])]
    (newest,) = store(settings.db_url, next_page)
    doc = get(client, "/api/v1/rates/latest")
    assert (doc["snapshot_id"], doc["date"]) == (newest, "2025-12-16")
    day = {
        newest: ("2025-12-16", "2025-12-16T00:00:00+00:00"),
        ids[-1]: ("2025-12-15", "2025-12-15T00:00:00+00:00"),
    }
    assert [
        (r["pair"], r["rate"], r["snapshot_id"], r["date"], r["observed_at"]) for r in doc["rates"]
    ] == [("KGS/USD", "0.01145", newest, *day[newest])] + [
        (f"{b}/{q}", r, ids[-1], *day[ids[-1]]) for b, q, r, _ in sorted(SAMPLE[1:])
    ]
    # Converted with them, each quote saying how old it is.
    doc = get(client, "/api/v1/rates/latest?base=USD&symbols=KGS,KZT")
    assert doc["rates"] == {"KGS": "87.3362", "KZT": "520.833"}
    assert [(d["pair"], d["snapshot_id"], d["observed_at"]) for d in doc["derived_from"]] == [
        ("KGS/USD", newest, day[newest][1]),
        ("KZT/USD", ids[-1], day[ids[-1]][1]),
    ]
    rows = client.get("/api/v1/rates/latest?pairs=KZT-USD&format=csv").data.decode()
    assert rows.splitlines()[1] == (
        f"2025-12-15,{day[ids[-1]][1]},{ids[-1]},KZT/USD,KZT,USD,0.00192,-0%,false"
    )
    used = client.get("/api/v1/rates/latest?base=USD&symbols=KZT&format=csv").data.decode()
    assert used.splitlines()[1].endswith(f",KZT/USD=0.00192#{ids[-1]}")
    # The snapshot itself is still as published: one pair.
    assert [r["pair"] for r in get(client, f"/api/v1/rates/snapshots/{newest}")["rates"]] == [
        "KGS/USD"
    ]


def test_significant_digits_come_from_settings(settings: Settings, ids: list[int]) -> None:
    app = create_app(settings.model_copy(update={"rates_significant_digits": 3}))
    doc = get(app.test_client(), "/api/v1/rates/latest?symbols=KZT")
    assert doc["rates"] == {"KZT": "521"} and doc["precision"]["significant_digits"] == 3


def test_series_is_each_days_last_quote(client: FlaskClient, ids: list[int]) -> None:
    doc = get(client, "/api/v1/rates/2025-12-13..2025-12-15?pairs=KGS-USD,KZT-USD")
    assert doc == {
        "start": "2025-12-13",
        "end": "2025-12-15",
        "pairs": ["KGS/USD", "KZT/USD"],
        "rates": {
            "2025-12-13": {"KGS/USD": "0.01140", "KZT/USD": "0.00190"},
            # KZT/USD is not on the day's last page; its last quote that day is.
            "2025-12-14": {"KGS/USD": "0.01142", "KZT/USD": "0.00191"},
            "2025-12-15": {"KGS/USD": "0.01144", "KZT/USD": "0.00192"},
        },
    }
    # Open-ended: to the newest day; every pair when none is named.
    doc = get(client, "/api/v1/rates/2025-12-14..")
    assert doc["end"] == "2025-12-15"
    assert doc["pairs"] == ["KGS/USD", "KZT/USD", "TJS/USD", "TMT/USD", "UZS/USD"]
    assert doc["rates"]["2025-12-15"]["TMT/USD"] == "0.28490"
    assert list(doc["rates"]) == ["2025-12-14", "2025-12-15"]


def test_converted_series_says_where_each_day_came_from(
    client: FlaskClient, ids: list[int]
) -> None:
    doc = get(client, "/api/v1/rates/2025-12-13..2025-12-15?base=USD&symbols=KGS")
    assert doc["rates"] == {
        "2025-12-13": {"KGS": "87.7193"},
        "2025-12-14": {"KGS": "87.5657"},
        "2025-12-15": {"KGS": "87.4126"},
    }
    assert doc["derived_from"]["2025-12-14"] == [
        {"pair": "KGS/USD", "rate": "0.01142", "change": "0.1%", "snapshot_id": ids[2]}
    ]


def test_csv_has_a_header_and_the_same_exact_values(client: FlaskClient, ids: list[int]) -> None:
    resp = client.get("/api/v1/rates/latest?format=csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    at, sid = "2025-12-15T00:00:00+00:00", ids[3]
    assert resp.data.decode().split("\r\n") == [
        "date,observed_at,snapshot_id,pair,base,quote,rate,change,conflict",
        f"2025-12-15,{at},{sid},KGS/USD,KGS,USD,0.01144,0%,false",
        f"2025-12-15,{at},{sid},KZT/USD,KZT,USD,0.00192,-0%,false",
        f"2025-12-15,{at},{sid},TJS/USD,TJS,USD,0.10895,-0%,false",
        f"2025-12-15,{at},{sid},UZS/USD,UZS,USD,0.00008,0%,false",
        f"2025-12-15,{at},{sid},TMT/USD,TMT,USD,0.28490,0%,false",
        "",
    ]
    series = client.get("/api/v1/rates/2025-12-14..2025-12-15?pairs=KGS-USD&format=csv")
    assert series.data.decode().splitlines() == [
        "date,pair,base,quote,rate,change,snapshot_id,conflict",
        f"2025-12-14,KGS/USD,KGS,USD,0.01142,0.1%,{ids[2]},false",
        f"2025-12-15,KGS/USD,KGS,USD,0.01144,0%,{ids[3]},false",
    ]
    converted = client.get("/api/v1/rates/latest?base=USD&symbols=UZS&format=csv")
    assert converted.data.decode().splitlines()[1] == (
        f"2025-12-15,{ids[3]},USD,1,UZS,12500,UZS/USD=0.00008"
    )


def test_currencies_lists_every_code_and_pair(client: FlaskClient, ids: list[int]) -> None:
    doc = get(client, "/api/v1/currencies")
    assert doc["currencies"] == {
        "KGS": "Kyrgyzstani som",
        "KZT": "Kazakhstani tenge",
        "TJS": "Tajikistani somoni",
        "TMT": "Turkmenistan manat",
        "USD": "United States dollar",
        "UZS": "Uzbekistani som",
    }
    kgs = doc["pairs"][0]
    assert kgs == {
        "pair": "KGS/USD",
        "base": "KGS",
        "quote": "USD",
        "first_date": "2025-12-13",
        "last_date": "2025-12-15",
        "feed": f"{BASE}/feeds/rates/KGS-USD.atom",
    }


def test_etag_cache_control_and_304(client: FlaskClient, ids: list[int]) -> None:
    resp = client.get("/api/v1/rates/latest")
    etag = resp.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert resp.headers["Cache-Control"] == "public, max-age=300"
    again = client.get("/api/v1/rates/latest", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    other = client.get("/api/v1/rates/latest?format=csv", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["ETag"] != etag


@pytest.mark.parametrize(
    ("path", "status", "kind"),
    [
        ("/api/v1/rates/2025-13-01", 422, "invalid-date"),
        ("/api/v1/rates/yesterday", 422, "invalid-date"),
        ("/api/v1/rates/20251215", 422, "invalid-date"),
        ("/api/v1/rates/2025-12-15..2025-12-01", 422, "invalid-range"),
        ("/api/v1/rates/2025-12-15..soon", 422, "invalid-date"),
        ("/api/v1/rates/2000-01-01..2025-12-31", 422, "range-too-long"),
        ("/api/v1/rates/latest?base=US", 422, "invalid-currency"),
        ("/api/v1/rates/latest?amount=-5", 422, "invalid-amount"),
        ("/api/v1/rates/latest?amount=1e", 422, "invalid-amount"),
        ("/api/v1/rates/latest?format=xml", 422, "invalid-format"),
        ("/api/v1/rates/latest?pairs=KGSUSD", 422, "invalid-pair"),
        ("/api/v1/rates/latest?pairs=KGS-USD&base=USD", 422, "invalid-parameters"),
        ("/api/v1/rates/latest?base=EUR", 404, "unknown-currency"),
        ("/api/v1/rates/latest?symbols=KZT,XAU", 404, "unknown-currency"),
        ("/api/v1/rates/2025-12-01..2025-12-31?symbols=EUR", 404, "unknown-currency"),
        ("/api/v1/rates/latest?pairs=USD-KGS", 404, "unknown-pair"),
        ("/api/v1/rates/2025-12-13?symbols=TMT", 404, "no-rate"),
        ("/api/v1/rates/snapshots/999999", 404, "no-rates"),
        ("/api/v1/rates/snapshots/9223372036854775808", 404, "no-rates"),
        ("/api/v1/rates/snapshots/" + "9" * 5000, 404, "no-rates"),
        ("/api/v1/rates/snapshots/%C2%B2", 422, "invalid-id"),
        ("/api/v1/rates/snapshots/%D9%A3", 422, "invalid-id"),
        ("/api/v1/rates/snapshots/x", 422, "invalid-id"),
    ],
)
def test_bad_requests_are_problem_documents(
    client: FlaskClient, ids: list[int], path: str, status: int, kind: str
) -> None:
    resp = client.get(path)
    assert resp.status_code == status, resp.data
    assert resp.mimetype == "application/problem+json"
    doc = resp.get_json()
    assert doc["status"] == status and doc["type"].endswith("/" + kind), doc


def test_no_snapshot_yet_is_404(client: FlaskClient) -> None:
    assert get(client, "/api/v1/rates/latest", 404)["type"].endswith("/no-rates")
    assert get(client, "/api/v1/currencies") == {"currencies": {}, "pairs": []}


def test_conflicting_quotes_are_kept_flagged_and_never_converted(
    client: FlaskClient, settings: Settings
) -> None:
    (snap,) = store(
        settings.db_url,
        [
            (
                T0,
                [
                    ("KGS", "USD", "0.01144", "0%"),
                    ("KGS", "USD", "0.01150", "0.5%"),
                    ("KZT", "USD", "0.00192", "-0%"),
                ],
            )
        ],
    )
    doc = get(client, "/api/v1/rates/latest")
    assert [(r["rate"], r.get("conflict", False)) for r in doc["rates"]] == [
        ("0.01144", True),
        ("0.01150", True),
        ("0.00192", False),
    ]
    problem = get(client, "/api/v1/rates/latest?symbols=KGS", 409)
    assert problem["type"].endswith("/conflicting-quotes") and problem["snapshot_id"] == snap
    doc = get(client, "/api/v1/rates/latest?base=USD")
    assert doc["rates"] == {"KZT": "520.833"} and doc["conflicting_pairs"] == ["KGS/USD"]
    series = get(client, "/api/v1/rates/2025-12-13..2025-12-13")
    assert series["rates"] == {"2025-12-13": {"KZT/USD": "0.00192"}}
    assert series["conflicts"] == {"2025-12-13": {"KGS/USD": ["0.01144", "0.01150"]}}


def test_snapshot_by_id(client: FlaskClient, ids: list[int]) -> None:
    doc = get(client, f"/api/v1/rates/snapshots/{ids[0]}")
    assert doc["snapshot_id"] == ids[0] and doc["date"] == "2025-12-13"
    assert [r["rate"] for r in doc["rates"]] == ["0.01140", "0.00190"]


def test_a_connection_the_server_dropped_is_retried(
    app: Flask, client: FlaskClient, ids: list[int], settings: Settings
) -> None:
    """Rates reads skip the per-request ping; a dropped connection costs a retry, not a 500."""
    if not settings.db_url.startswith("postgresql"):
        pytest.skip("only a database server drops connections")
    engine = app.extensions["silkfeed"]["rates_engine"]
    with engine.connect() as conn:  # the pooled connection the next request will get
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    admin = make_engine(settings.db_url)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
    admin.dispose()
    resp = client.get("/api/v1/rates/latest")
    assert resp.status_code == 200 and resp.get_json()["snapshot_id"] == ids[-1]


def test_currencies_are_made_again_only_after_a_snapshot_is_stored(
    client: FlaskClient, ids: list[int], settings: Settings
) -> None:
    first = client.get("/api/v1/currencies")
    # Kept: the same bytes, and a 304 for the reader that has them.
    again = client.get("/api/v1/currencies", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    # A new snapshot with a new pair and a later day: the list follows at once.
    new_day = datetime(2025, 12, 16, 9, tzinfo=UTC)
    store(settings.db_url, [(new_day, [("EUR", "KZT", "540.1", "0%")])])
    doc = get(client, "/api/v1/currencies")
    assert "EUR/KZT" in [p["pair"] for p in doc["pairs"]]
    assert {"EUR", "KZT"} <= set(doc["currencies"])
