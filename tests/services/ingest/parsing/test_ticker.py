"""Ticker shapes of central banks and outlets: a colon or a dash after the pair,
arrows for the change (apart from it too), and "1 USD = 12 845,37 UZS (-4,18)"."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.ingest.parsing import Quote
from services.ingest.parsing.ticker import names_a_pair, parse_ticker_line


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("USD/KGS: 87.4500 ↑0.0300", ("USD", "KGS", "87.4500", "↑0.0300")),
        ("EUR/KGS: 101.9231 ↓0.1210", ("EUR", "KGS", "101.9231", "↓0.1210")),
        ("USD/KGS — 87,4500 ▲ 0,0300", ("USD", "KGS", "87.4500", "▲ 0,0300")),
        ("KZT/KGS — 0,1718 0", ("KZT", "KGS", "0.1718", "0")),
        ("1 USD = 12 845,37 UZS (-4,18)", ("USD", "UZS", "12845.37", "(-4,18)")),
        ("1 RUB = 158,11 UZS (+0,42)", ("RUB", "UZS", "158.11", "(+0,42)")),
        ("USD = 12 845,37 UZS", ("USD", "UZS", "12845.37", "")),
    ],
)
def test_more_ticker_shapes(line: str, expected: tuple[str, str, str, str]) -> None:
    base, quote, rate, change = expected
    assert parse_ticker_line(line) == [Quote(base, quote, Decimal(rate), change)]


def test_a_central_banks_rate_keeps_its_places() -> None:
    (quote,) = parse_ticker_line("1 USD = 12 845,30 UZS (-4,18)")
    assert str(quote.rate) == "12845.30"


@pytest.mark.parametrize(
    "line",
    [
        "100 KZT = 18,95 RUB",  # per hundred: no rate of one unit
        "1 USD = 12 845,37 UZS and rising",
        "E = mc2",
        "USD/KGS - -87.45",
    ],
)
def test_not_ticker_lines(line: str) -> None:
    assert parse_ticker_line(line) is None


def test_rates_by_their_signs_are_a_ticker_not_understood() -> None:
    assert names_a_pair("$ 508,40 ▼ | € 547,15 ▲ | ₽ 6,32 ▼")
    assert not names_a_pair("$5 million was raised")


def test_a_page_of_central_bank_and_outlet_rates(page_fixture) -> None:
    page = page_fixture("central-bank-rates.txt")
    assert page.quotes == (
        Quote("USD", "UZS", Decimal("12830.15"), "(-15,22)"),
        Quote("EUR", "UZS", Decimal("13912.40"), "(+8,05)"),
        Quote("KZT", "UZS", Decimal("24.61"), "(0)"),
        Quote("USD", "KGS", Decimal("87.4200"), "▲ 0,0200"),
        Quote("EUR", "KGS", Decimal("101.8000"), "↓0,1100"),
    )
    assert page.diagnostics.warnings == ("ticker line not understood: '$ 508,10 ▼ | € 546,90 ▲'",)
    (article,) = page.articles
    assert article.title == "Узбекистан снизил ставку НДС до 10%"
