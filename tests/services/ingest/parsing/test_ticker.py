"""Ticker shapes of central banks and outlets: a colon or a dash after the pair,
arrows for the change (apart from it too, or alone), and "1 USD = 12 845,37 UZS (-4,18)"."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.ingest.parsing import Quote, parse_page
from services.ingest.parsing.ticker import (
    find_quotes,
    names_a_pair,
    parse_ticker_line,
    read_ticker_line,
)


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
        # The way it moved, with no amount.
        ("CNY/KZT 70,55 ▼", ("CNY", "KZT", "70.55", "▼")),
        ("USD/KGS = 87.45 ↑", ("USD", "KGS", "87.45", "↑")),
        # A long label naming the bank.
        (
            "Exchange rate of the Central Bank of Turkmenistan: USD/TMT = 3.5000",
            ("USD", "TMT", "3.5000", ""),
        ),
        # A label with its source in brackets.
        ("Exchange rates (NBK): USD/KZT 512.30 0.2%", ("USD", "KZT", "512.30", "0.2%")),
        # A label with the time the rates were taken.
        ("Биржевые курсы на 11:00: CNY/KZT 70,85 +0,1%", ("CNY", "KZT", "70.85", "+0,1%")),
        # Thousands grouped by commas before a decimal point.
        ("USD/UZS 12,745.00 -0.1%", ("USD", "UZS", "12745.00", "-0.1%")),
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


@pytest.mark.parametrize(
    "line",
    ["100 KZT = 15,72 RUB", "USD 12 845.37 ▼ | EUR 14 958.12 ▲", "USD/KZT 508 510"],
)
def test_rates_by_their_codes_or_per_hundred_are_a_ticker_not_understood(line: str) -> None:
    assert parse_ticker_line(line) is None
    assert names_a_pair(line)


@pytest.mark.parametrize(
    "line", ["USD 12 845 citizens", "GDP 5.1", "The USD 100 note", "EU 27 members voted"]
)
def test_prose_naming_a_code_is_no_ticker(line: str) -> None:
    assert not names_a_pair(line)


def test_a_space_between_numbers_groups_thousands_only_when_the_reading_is_sure() -> None:
    assert parse_ticker_line("USD/KZT 508 510") is None
    assert list(find_quotes("USD/KZT 508 510 • EUR/KZT 547,15 0%")) == [
        Quote("EUR", "KZT", Decimal("547.15"), "0%")
    ]
    (grouped,) = parse_ticker_line("USD/UZS 12 050,00 +0,1%")
    assert grouped.rate == Decimal("12050.00")
    (unit,) = parse_ticker_line("1 USD = 12 845 UZS")
    assert unit.rate == Decimal("12845")


def test_lines_not_understood_are_warned_of(page_fixture) -> None:
    page = page_fixture("tickers-not-understood.txt")
    assert [q.rate for q in page.quotes] == [
        Decimal("547.15"), Decimal("12050.00"), Decimal("12845.37"), Decimal("12845")
    ]
    assert page.diagnostics.warnings == (
        "ticker line not understood: 'USD/KZT 508 510'",
        "ticker line not understood: '100 KZT = 15,72 RUB'",
        "ticker line not understood: 'USD 12 845.37 ▼ | EUR 14 958.12 ▲'",
    )


def test_other_instruments_beside_the_pairs_are_told_apart() -> None:
    # An oil price or a stock index on the ticker's line keeps its pairs from
    # no one: the pairs are read, the others said to name no currency pair.
    line = "USD/KZT 512.30 +0.2%   USD/UZS 12,745.00 -0.1%   Brent 71.84 -1.3%"
    assert read_ticker_line(line) == (
        [
            Quote("USD", "KZT", Decimal("512.30"), "+0.2%"),
            Quote("USD", "UZS", Decimal("12745.00"), "-0.1%"),
        ],
        ["Brent 71.84 -1.3%"],
    )
    page = parse_page(
        "Markets\n3 March 2026\n\n"
        "USD/AZN = 1.7000   EUR/AZN = 1.8412 ↑   Brent = $71.84 ↓\n"
        "KASE 6 842,17 (+0,8%) | USD/KZT 512,30 ▲0,21%\n\n"
        "Tenge firms\nThe tenge rose for a third day on Tuesday as oil prices climbed.\n".encode(),
        "text/plain",
    )
    assert [(q.pair, str(q.rate), q.change) for q in page.quotes] == [
        ("USD/AZN", "1.7000", ""),
        ("EUR/AZN", "1.8412", "↑"),
        ("USD/KZT", "512.30", "▲0,21%"),
    ]
    kinds = {k["kind"]: k for k in page.diagnostics.as_json()["left_out"]["kinds"]}
    assert kinds["ticker items not currency pairs"]["blocks"] == 2
    assert page.diagnostics.warnings == ()
    # Named in Russian too, after the pairs.
    line = "USD/KZT=502,15 (+1,35)  RUB/KZT=5,94 (+0,02)  Нефть Brent=71,02 (+0,4%)"
    read = read_ticker_line(line)
    assert read is not None and read[1] == ["Нефть Brent=71,02 (+0,4%)"]
    assert [q.pair for q in read[0]] == ["USD/KZT", "RUB/KZT"]
    # Prose naming a pair is no ticker line, whatever numbers it holds.
    assert read_ticker_line("USD/KZT rose to 512.30 on Tuesday, Brent 71.84") is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # The unit after each rate names the currency they are quoted in.
        (
            "Курсы ЦБ: USD 12 850,45 сум; EUR 13 920,10 сум",
            [("USD/UZS", "12850.45", ""), ("EUR/UZS", "13920.10", "")],
        ),
        ("USD 512,30 тенге ▲0,2%", [("USD/KZT", "512.30", "▲0,2%")]),
        # Or the bank the label names.
        (
            "Курсы валют НБКР: USD 87,30 ▼0,05 | EUR 95,10 ▲0,42",
            [("USD/KGS", "87.30", "▼0,05"), ("EUR/KGS", "95.10", "▲0,42")],
        ),
    ],
)
def test_rates_by_their_codes_in_a_currency_the_line_names(
    line: str, expected: list[tuple[str, str, str]]
) -> None:
    page = parse_page(f"{line}\n\nTenge firms\nThe tenge rose on Tuesday.\n".encode(), "text/plain")
    assert [(q.pair, str(q.rate), q.change) for q in page.quotes] == expected
    assert page.diagnostics.warnings == ()


@pytest.mark.parametrize(
    "line",
    [
        "Курсы валют: USD 87,45 | EUR 94,12 | RUB 0,98",  # no currency named
        "Курсы ЦБ: USD 12 910,00 | EUR 13 980,40",  # whose central bank?
        "USD 87,45 манат",  # Azerbaijan's or Turkmenistan's
    ],
)
def test_rates_by_their_codes_in_no_currency_named_are_not_understood(line: str) -> None:
    page = parse_page(f"{line}\n\nTenge firms\nThe tenge rose on Tuesday.\n".encode(), "text/plain")
    assert page.quotes == ()
    assert page.diagnostics.left_out[0].sample == line  # said, not read
