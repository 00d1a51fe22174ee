"""/rates: the latest table and a server-drawn SVG chart per pair (browser test: tests/browser)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import lxml.html
import pytest
from flask.testing import FlaskClient

from services.feed.app import create_app
from services.rates.chart import line_chart
from services.rates.page import MAX_CHARTS
from shared.settings import Settings
from tests.services.rates.test_api import HISTORY, SAMPLE, store


@pytest.fixture
def client(settings: Settings) -> FlaskClient:
    return create_app(settings, watch_changes=False).test_client()


def rows(html: bytes) -> list[tuple[str, str, str]]:
    doc = lxml.html.fromstring(html)
    return [
        (r.findtext("th/a"), r.findtext("td[@class='rate']"), r.findtext("td[@class='change']"))
        for r in doc.xpath("//table[@class='rates']/tbody/tr")
    ]


def test_page_shows_the_latest_table_and_a_chart_per_pair(
    client: FlaskClient, settings: Settings
) -> None:
    store(settings.db_url, HISTORY)
    resp = client.get("/rates")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert rows(resp.data) == [(f"{b}/{q}", r, c) for b, q, r, c in SAMPLE]
    doc = lxml.html.fromstring(resp.data)
    figures = doc.xpath("//figure[@data-pair]")
    assert [f.get("data-pair") for f in figures] == [f"{b}/{q}" for b, q, _, _ in SAMPLE]
    kgs = figures[0].xpath(".//*[local-name()='polyline']")[0]
    # Three days of KGS/USD: 0.01140, 0.01142 (the day's last), 0.01144.
    assert len(kgs.get("points").split()) == 3
    assert (
        "lowest 0.01140, highest 0.01144" in figures[0].xpath(".//*[local-name()='title']")[0].text
    )
    assert resp.headers["ETag"] and resp.headers["Cache-Control"] == "public, max-age=300"
    assert b'href="http://feeds.example.test/feeds/rates/TMT-USD.rss"' in resp.data


def test_page_for_a_snapshot_or_a_day(client: FlaskClient, settings: Settings) -> None:
    ids = store(settings.db_url, HISTORY)
    by_id = client.get(f"/rates?snapshot={ids[0]}")
    assert rows(by_id.data) == [("KGS/USD", "0.01140", "0%"), ("KZT/USD", "0.00190", "0%")]
    by_day = client.get("/rates?date=2025-12-14")
    assert rows(by_day.data) == [("KGS/USD", "0.01142", "0.1%")]
    assert client.get("/rates?snapshot=x").status_code == 422
    assert client.get(f"/rates?snapshot=00{ids[0]}").status_code == 200


@pytest.mark.parametrize(
    ("raw", "status", "kind"),
    [
        ("9223372036854775808", 404, "no-rates"),
        ("2147483648", 404, "no-rates"),
        ("9" * 5000, 404, "no-rates"),
        ("\u00b2", 422, "invalid-id"),  # isdigit() says yes, int() refuses it
        ("\u0663", 422, "invalid-id"),  # an Arabic-Indic 3, which int() would read
        ("-1", 422, "invalid-id"),
        ("", 422, "invalid-id"),
    ],
)
def test_a_bad_snapshot_id_is_a_problem_not_a_500(
    client: FlaskClient, raw: str, status: int, kind: str
) -> None:
    resp = client.get("/rates", query_string={"snapshot": raw})
    assert resp.status_code == status, resp.data[:300]
    assert resp.mimetype == "application/problem+json"
    assert resp.get_json()["type"].endswith("/" + kind)
    assert client.get("/rates?date=2025-12-01").status_code == 404


def test_page_without_rates_says_so(client: FlaskClient) -> None:
    resp = client.get("/rates")
    assert resp.status_code == 200 and b"No rates yet" in resp.data


def test_chart_geometry_and_labels() -> None:
    day = date(2025, 12, 13)
    svg = line_chart(
        [(day, Decimal("0.01140")), (day + timedelta(days=2), Decimal("0.01144"))], "A<B"
    )
    root = lxml.html.fromstring(svg)
    (line,) = root.xpath("//polyline")
    # Oldest at the left edge and lowest at the bottom; newest at the right, highest at the top.
    assert line.get("points") == "72.0,154.0 628.0,12.0"
    texts = [t.text for t in root.xpath("//text")]
    assert texts == ["0.01144", "0.01140", "2025-12-13", "2025-12-15"]
    assert "A&lt;B" in svg and "A<B" not in svg
    # One value is a level line across the chart, not an invisible dot.
    single = lxml.html.fromstring(line_chart([(day, Decimal("1"))], "X"))
    assert single.xpath("//polyline")[0].get("points") == "72.0,83.0 628.0,83.0"
    assert line_chart([], "X") == ""


def test_a_snapshot_of_many_pairs_draws_a_bounded_number_of_charts(
    client: FlaskClient, settings: Settings
) -> None:
    codes = [f"X{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(MAX_CHARTS + 6)]
    at = datetime(2025, 12, 15, 9, tzinfo=UTC)
    store(settings.db_url, [(at, [(code, "USD", "1.5", "0%") for code in codes])])
    doc = lxml.html.fromstring(client.get("/rates").data)
    assert len(doc.xpath("//tr[@data-pair]")) == len(codes)  # the table lists every pair
    assert len(doc.xpath("//figure[@data-pair]")) == MAX_CHARTS
    assert "the other 6 have their feeds above" in doc.text_content()
