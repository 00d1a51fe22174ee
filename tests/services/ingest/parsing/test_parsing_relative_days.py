"""A live page's "Today", "Yesterday" and "3 декабря" day lines, and items
stamped "Вчера, 18:40"."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from services.ingest.page_values import settle_times
from services.ingest.parsing import parse_page
from services.ingest.parsing.relative_days import on_relative_day, relative_day

PAGES = Path(__file__).resolve().parents[3] / "fixtures" / "pages"
DEC_4 = date(2026, 12, 4)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # ALMT is UTC+5: today's two items, then yesterday's, one of them
        # stamped "Yesterday 21:05 ALMT" under its headline.
        ("live-relative-days.txt", [(4, 9, 55), (4, 6, 20), (3, 13, 40), (3, 16, 5)]),
        # МСК is UTC+3; "Вчера, 19:15 МСК" under the last headline.
        ("live-relative-days-ru.txt", [(4, 13, 10), (4, 6, 45), (3, 19, 30), (3, 16, 15)]),
        # A day without its year ("December 3", "Среда, 3 декабря") is the
        # page's year's, and stamps an item too ("3 декабря, 19:15 МСК").
        ("live-yearless-days.txt", [(4, 9, 55), (4, 6, 20), (3, 13, 40), (3, 16, 5)]),
        ("live-yearless-days-ru.txt", [(4, 13, 10), (4, 6, 45), (3, 19, 30), (3, 16, 15)]),
    ],
)
def test_today_and_yesterday_set_the_day_of_the_times_after_them(
    page_fixture, name: str, expected: list[tuple[int, int, int]]
) -> None:
    page = page_fixture(name)
    assert page.page_date == DEC_4  # the page's own date line, never a relative one
    stated = [datetime(2026, 12, d, h, m, tzinfo=UTC) for d, h, m in expected]
    assert [a.published for a in page.articles] == stated
    # An item's stamp dates it and is no paragraph of its story.
    assert all(len(a.paragraphs) == 1 for a in page.articles)
    assert page.diagnostics.warnings == ()
    settled = settle_times(page, datetime(2026, 12, 4, 14, 0, tzinfo=UTC))
    assert [a.published for a in settled.articles] == stated


def test_a_page_without_a_date_counts_from_its_receipt() -> None:
    body = (PAGES / "live-relative-days-undated.txt").read_bytes()
    received = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    page = parse_page(body, "text/plain", received)
    assert page.page_date is None  # "Сегодня" is no date the page states
    assert [a.published for a in page.articles] == [
        datetime(2026, 12, 4, 11, 20, tzinfo=UTC),
        datetime(2026, 12, 3, 18, 40, tzinfo=UTC),
    ]
    assert [a.paragraphs[0][:10] for a in page.articles] == ["Президент ", "Грузовикам"]
    assert page.diagnostics.warnings == ()


def test_with_nothing_to_count_from_nothing_is_guessed(page_fixture) -> None:
    page = page_fixture("live-relative-days-undated.txt")
    # Neither a date on the page nor a receipt: the stamps stay the stories'
    # first lines, undated, and the diagnostics say why.
    assert [a.published for a in page.articles] == [None, None]
    assert [a.paragraphs[0] for a in page.articles] == ["Сегодня, 11:20", "Вчера, 18:40"]
    assert page.diagnostics.warnings == (
        "relative day not read, the page states no date: 'Сегодня, 11:20'",
        "relative day not read, the page states no date: 'Вчера, 18:40'",
    )


def test_a_receipt_late_in_the_day_counts_in_the_zone_the_time_names() -> None:
    # 22:30 UTC on 4 December is already 5 December in Almaty.
    received = datetime(2026, 12, 4, 22, 30, tzinfo=UTC)
    match = relative_day("Вчера, 09:15 ALMT")
    assert match is not None
    stated = on_relative_day(match, None, received)
    assert stated is not None and stated.day == DEC_4
    assert stated.at == datetime(2026, 12, 4, 4, 15, tzinfo=UTC)


@pytest.mark.parametrize("line", ["Сегодня, 01:15 ALMT", "Сегодня, 01:15 по времени Астаны"])
def test_a_receipt_counts_in_a_zone_named_in_words_as_in_one_abbreviated(line: str) -> None:
    # 20:30 UTC on 4 December is 01:30 on 5 December in Astana.
    match = relative_day(line)
    assert match is not None
    stated = on_relative_day(match, None, datetime(2026, 12, 4, 20, 30, tzinfo=UTC))
    assert stated is not None and stated.day == date(2026, 12, 5)
    assert stated.at == datetime(2026, 12, 4, 20, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "day", "timed"),
    [
        ("Today", DEC_4, False),
        ("today:", DEC_4, False),
        ("Yesterday", date(2026, 12, 3), False),
        ("Yesterday 18:40", date(2026, 12, 3), True),
        ("Yesterday, at 6:40 pm", date(2026, 12, 3), True),
        ("Сегодня", DEC_4, False),
        ("Сегодня в 14:30", DEC_4, True),
        ("Вчера, 18:40", date(2026, 12, 3), True),
        ("ВЧЕРА,", date(2026, 12, 3), False),
    ],
)
def test_relative_day_lines(line: str, day: date, timed: bool) -> None:
    match = relative_day(line)
    assert match is not None
    stated = on_relative_day(match, DEC_4, None)
    assert stated is not None
    assert (stated.day, stated.timed, stated.updated) == (day, timed, False)


@pytest.mark.parametrize(
    ("line", "anchor", "day"),
    [
        ("3 декабря", DEC_4, date(2026, 12, 3)),
        ("5 December", DEC_4, date(2026, 12, 5)),  # a zone's day may run ahead
        ("Среда, 3 декабря, 22:30", DEC_4, date(2026, 12, 3)),
        ("December 3rd | 14:05", DEC_4, date(2026, 12, 3)),
        ("3 желтоқсан, 10:15", DEC_4, date(2026, 12, 3)),  # Kazakh, as date lines read it
        # A day later than the page's is last year's.
        ("31 декабря", date(2027, 1, 2), date(2026, 12, 31)),
        ("29 February", date(2029, 3, 1), date(2028, 2, 29)),
        # Across New Year: the morning after a page dated 31 December is next year's.
        ("1 января", date(2026, 12, 31), date(2027, 1, 1)),
        ("January 1, 00:20", date(2026, 12, 31), date(2027, 1, 1)),
        ("2 января", date(2026, 12, 31), date(2026, 1, 2)),
        ("30 декабря", date(2027, 1, 1), date(2026, 12, 30)),
    ],
)
def test_days_without_their_year(line: str, anchor: date, day: date) -> None:
    match = relative_day(line)
    assert match is not None
    stated = on_relative_day(match, anchor, None)
    assert stated is not None and stated.day == day


@pytest.mark.parametrize(
    "line",
    [
        "Today's top stories",
        "Yesterday the Senate voted",
        "Сегодня в Бишкеке",
        "Tomorrow",
        "Вчера 25",
        "3 декабря в Бишкеке",
        "May 2026",
        "Top 10 stories",
    ],
)
def test_not_relative_day_lines(line: str) -> None:
    assert relative_day(line) is None


def test_a_day_that_is_no_day_dates_nothing() -> None:
    match = relative_day("32 December")
    assert match is None or on_relative_day(match, DEC_4, None) is None


def test_a_live_page_across_new_year_dates_the_morning_after_next_year(page_fixture) -> None:
    page = page_fixture("live-new-year-ru.txt")
    assert page.page_date == date(2026, 12, 31)
    assert [a.published for a in page.articles] == [
        datetime(2026, 12, 31, 23, 50, tzinfo=UTC),
        datetime(2027, 1, 1, 0, 20, tzinfo=UTC),
    ]


def test_days_across_new_year_count_from_the_receipt() -> None:
    body = (PAGES / "live-new-year-undated-ru.txt").read_bytes()
    page = parse_page(body, "text/plain", datetime(2026, 12, 31, 22, 0, tzinfo=UTC))
    assert [a.published for a in page.articles] == [
        datetime(2027, 1, 1, 0, 20, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 50, tzinfo=UTC),
    ]


def test_stamps_saying_how_long_ago_count_back_from_the_receipt() -> None:
    body = (PAGES / "hours-ago-stamps.txt").read_bytes()
    received = datetime(2026, 12, 4, 14, 20, tzinfo=UTC)
    page = parse_page(body, "text/plain", received)
    assert [(a.title, a.published, len(a.paragraphs)) for a in page.articles] == [
        ("Kyrgyzstan, Tajikistan sign border deal", datetime(2026, 12, 4, 10, 15, tzinfo=UTC), 2),
        ("Tenge slides to record low", datetime(2026, 12, 4, 12, 20, tzinfo=UTC), 2),
        ("Токаев сменил министра энергетики", datetime(2026, 12, 4, 13, 45, tzinfo=UTC), 1),
    ]
    assert page.diagnostics.warnings == ()
    assert page.articles[1].modified == datetime(2026, 12, 4, 13, 40, tzinfo=UTC)
    # Not knowing when the page came, nothing is guessed, and a warning says so.
    unknown = parse_page(body, "text/plain")
    assert [a.published for a in unknown.articles][1:] == [None] * (len(unknown.articles) - 1)
    assert unknown.diagnostics.warnings == (
        "relative day not read, its receipt is not known: '2 hours ago'",
        "relative day not read, its receipt is not known: 'Updated 40 min ago'",
        "relative day not read, its receipt is not known: '35 минут назад'",
    )
