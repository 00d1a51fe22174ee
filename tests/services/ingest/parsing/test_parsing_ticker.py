"""Ticker quotes: every published variant, exact values, de-duplication."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.ingest.parsing import Quote, parse_page
from services.ingest.parsing.ticker import find_quotes, parse_ticker_line, unique_quotes


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("• KGS/USD = 0.01144 0%", ("KGS", "USD", "0.01144", "0%")),
        ("  • KZT/USD = 0.00192 -0%", ("KZT", "USD", "0.00192", "-0%")),
        ("KZT/USD = 0.00192 -0%", ("KZT", "USD", "0.00192", "-0%")),
        ("TJS/USD = 0.10895 +0.4%", ("TJS", "USD", "0.10895", "+0.4%")),
        ("\tUZS/USD = 0.00008 -1.25%", ("UZS", "USD", "0.00008", "-1.25%")),
        ("EUR/USD = 1.04 1.04%", ("EUR", "USD", "1.04", "1.04%")),
        ("RUB/KZT=6.21 0%", ("RUB", "KZT", "6.21", "0%")),
        ("TMT/USD = 0.28490 0%  ", ("TMT", "USD", "0.28490", "0%")),
        # Thousands grouped by a space, as Russian typesetting prints them.
        ("USD/UZS 12 050,00 +0,1%", ("USD", "UZS", "12050.00", "+0,1%")),
        ("USD/UZS = 12\u00a0050.00 -0.2%", ("USD", "UZS", "12050.00", "-0.2%")),
        ("• USD/IRR = 1\u202f050\u202f000 0%", ("USD", "IRR", "1050000", "0%")),
        # The amount and its percentage; a minus set as an en dash; "0,3 %".
        ("USD/KZT 512.30 +1.20 (+0.23%)", ("USD", "KZT", "512.30", "+1.20 (+0.23%)")),
        ("USD/KGS 87,4200 ▲ 0,0200 (0,02%)", ("USD", "KGS", "87.4200", "▲ 0,0200 (0,02%)")),
        ("RUB/KGS 1,0850 (–0,37%)", ("RUB", "KGS", "1.0850", "(–0,37%)")),
        ("CNY/KGS 12,0500 +0,3 %", ("CNY", "KGS", "12.0500", "+0,3 %")),
        # Past the stored width of a change, the percentage alone.
        ("USD/UZS 12 845,3700 ▲ 11,2000 (+10,2300%)", ("USD", "UZS", "12845.3700", "(+10,2300%)")),
    ],
)
def test_ticker_line_variants(line: str, expected: tuple[str, str, str, str]) -> None:
    base, quote, rate, change = expected
    assert parse_ticker_line(line) == [Quote(base, quote, Decimal(rate), change)]


def test_rate_keeps_its_published_scale() -> None:
    (quote,) = parse_ticker_line("TMT/USD = 0.28490 0%")
    assert str(quote.rate) == "0.28490"
    assert quote.rate.as_tuple().exponent == -5


def test_several_quotes_on_one_line() -> None:
    assert parse_ticker_line("• RUB/KZT = 6.21 -0.3% • CNY/KZT = 71.40 0%") == [
        Quote("RUB", "KZT", Decimal("6.21"), "-0.3%"),
        Quote("CNY", "KZT", Decimal("71.40"), "0%"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "The KGS/USD = 0.01144 0% rate held.",
        "KGS/USD = 0.01144 0% and rising",
        "USD/KZT 512.30 2024",
        "USD/UZS 12 05 0%",
        "kgs/usd = 0.01144 0%",
        "KGSX/USD = 0.01144 0%",
        "KGS/USD = abc 0%",
        "",
    ],
)
def test_not_ticker_lines(line: str) -> None:
    assert parse_ticker_line(line) is None


def test_quotes_in_flattened_markup_text() -> None:
    text = "  KGS/USD  =  0.01144   0%  • TJS/USD = 0.10895 -0% AKZT/USD = 1 1%"
    assert list(find_quotes(text)) == [
        Quote("KGS", "USD", Decimal("0.01144"), "0%"),
        Quote("TJS", "USD", Decimal("0.10895"), "-0%"),
    ]


def test_repeats_kept_once_in_first_seen_order() -> None:
    a = Quote("KGS", "USD", Decimal("0.01144"), "0%")
    b = Quote("KZT", "USD", Decimal("0.00192"), "-0%")
    c = Quote("KZT", "USD", Decimal("0.00192"), "0%")
    assert unique_quotes([a, b, a, c, b, a]) == (a, b, c)


def test_ticker_page_quotes(page_fixture) -> None:
    page = page_fixture("tickers.txt")
    assert [(q.pair, str(q.rate), q.change) for q in page.quotes] == [
        ("KGS/USD", "0.01144", "0%"),
        ("KZT/USD", "0.00192", "-0%"),
        ("TJS/USD", "0.10895", "+0.4%"),
        ("UZS/USD", "0.00008", "-1.25%"),
        ("EUR/USD", "1.04", "1.04%"),
        # The same pair with new values on one page is new data, kept as well.
        ("KGS/USD", "0.01150", "+0.52%"),
        ("RUB/KZT", "6.21", "-0.3%"),
        ("CNY/KZT", "71.40", "0%"),
    ]


def test_minus_zero_and_zero_are_distinct_changes() -> None:
    page = parse_page(b"KZT/USD = 0.00192 -0%\nKZT/USD = 0.00192 0%\n", "text/plain")
    assert [q.change for q in page.quotes] == ["-0%", "0%"]


def test_rates_lines_without_an_equals_sign_are_the_page_quotes_not_story_text() -> None:
    # A rates box under a story, each line a pair and its rate ("Курсы валют").
    page = parse_page(
        (
            "<html><body><h2><a href='/kz/grain'>Kazakhstan cuts wheat duty</a></h2>"
            "<p>ASTANA — Kazakhstan will cut its export duty on wheat from April.</p>"
            "<p>USD/KZT 512,30 +0,2%</p><p>RUB/KZT 5,61 0%</p></body></html>"
        ).encode(),
        "text/html",
    )
    (article,) = page.articles
    assert article.paragraphs == (
        "ASTANA — Kazakhstan will cut its export duty on wheat from April.",
    )
    assert page.quotes == (
        Quote("USD", "KZT", Decimal("512.30"), "+0,2%"),
        Quote("RUB", "KZT", Decimal("5.61"), "0%"),
    )


def test_a_page_of_amounts_with_their_percentages(page_fixture) -> None:
    page = page_fixture("tickers-amount-and-percent.txt")
    assert [(q.pair, str(q.rate), q.change) for q in page.quotes] == [
        ("USD/KGS", "87.4200", "▲ 0,0200 (0,02%)"),
        ("EUR/KGS", "101.8000", "▼ 0,1100 (0,11%)"),
        ("RUB/KGS", "1.0850", "–0,0040 (–0,37%)"),
        ("KZT/KGS", "0.1721", "0 (0%)"),
        ("CNY/KGS", "12.0500", "+0,3 %"),
        ("USD/KZT", "512.30", "+1.20 (+0.23%)"),
        ("USD/UZS", "12845.37", "−4.18 (−0.03%)"),
    ]
    (article,) = page.articles
    assert (article.title, len(article.paragraphs)) == ("Сом укрепился к доллару", 2)
    assert page.diagnostics.warnings == ()
