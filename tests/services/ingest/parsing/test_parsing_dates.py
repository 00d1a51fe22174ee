"""Page date lines in every accepted format."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from services.ingest.parsing.dates import parse_date_line, parse_iso_date, parse_iso_datetime

DEC_15 = date(2025, 12, 15)


@pytest.mark.parametrize(
    "name",
    [
        "date-dmy.txt",
        "date-mdy.txt",
        "date-iso.txt",
        "date-weekday.txt",
        "date-weekday-mdy.txt",
        "date-abbrev.txt",
        "date-abbrev-mdy.txt",
    ],
)
def test_each_date_format_page(page_fixture, name: str) -> None:
    page = page_fixture(name)
    assert page.page_date == DEC_15
    (article,) = page.articles
    assert article.title == "Turkmenistan Raises Bread Prices for the First Time in a Decade"
    assert len(article.paragraphs) == 2
    assert all("2025" not in p or "since 2015" in p for p in article.paragraphs)


@pytest.mark.parametrize(
    "line",
    [
        "15 December 2025",
        "December 15, 2025",
        "December 15 2025",
        "2025-12-15",
        "Monday, 15 December 2025",
        "Monday, December 15, 2025",
        "Mon, 15 Dec 2025",
        "15 Dec 2025",
        "Dec 15, 2025",
        "Dec. 15, 2025",
        "15th December 2025",
        "15 DECEMBER 2025",
        "  15 December 2025  ",
        "15 December 2025, 10:45",
        "December 15, 2025 at 9:30 am",
        "15/12/2025",
        "10:45, 15 December 2025",
    ],
)
def test_date_lines(line: str) -> None:
    assert parse_date_line(line) == DEC_15


@pytest.mark.parametrize(
    "line",
    [
        "30 February 2025",
        "2025-13-01",
        "15 Decembr 2025",
        "On 15 December 2025 the bank said",
        "15 December",
        "December 2025",
        "32/12/2025",
        "x" * 10_000,
    ],
)
def test_not_date_lines(line: str) -> None:
    assert parse_date_line(line) is None


def test_the_first_date_line_is_the_page_date() -> None:
    from services.ingest.parsing import parse_page

    page = parse_page(b"2 January 2026\n\n15 December 2025\n", "text/plain")
    assert page.page_date == date(2026, 1, 2)


def test_iso_helpers() -> None:
    assert parse_iso_date("2025-12-15T08:30:00+05:00") == DEC_15
    assert parse_iso_date("15 Dec") is None
    assert parse_iso_datetime("2025-12-15T08:30:00+05:00") == datetime(
        2025, 12, 15, 8, 30, tzinfo=timezone(timedelta(hours=5))
    )
    assert parse_iso_datetime("2025-12-15T08:30:00") == datetime(2025, 12, 15, 8, 30, tzinfo=UTC)
    assert parse_iso_datetime("2025-12-15") is None
    assert parse_iso_datetime("2025-12-15T25:00:00Z") is None


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("4-dekabr, 2026", date(2026, 12, 4)),
        ("4-dekabr 2026-yil, 10:15", date(2026, 12, 4)),
        ("12-sentyabr 2026", date(2026, 9, 12)),
        ("4-декабрь 2026-ж.", date(2026, 12, 4)),
        ("4 декабрь 2026 йил", date(2026, 12, 4)),
        ("1-май 2026", date(2026, 5, 1)),
    ],
)
def test_kyrgyz_and_uzbek_month_names(line: str, day: date) -> None:
    assert parse_date_line(line) == day


def test_a_page_dated_in_uzbek_and_its_kyrgyz_story(page_fixture) -> None:
    page = page_fixture("uzbek-kyrgyz-dates.txt")
    assert page.page_date == date(2026, 12, 4)
    assert [(a.published.day, a.published.hour) for a in page.articles] == [(4, 10), (3, 0)]
