"""Date lines with the time first or the day written with slashes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.ingest.page_values import settle_times
from services.ingest.parsing import parse_page
from services.ingest.parsing.dates import read_date_line

DEC_4 = date(2026, 12, 4)


def test_a_page_whose_date_lines_give_the_time_first(page_fixture) -> None:
    page = page_fixture("time-first-ru.txt")
    assert page.page_date == DEC_4
    first, second = page.articles
    assert first.title == "Таджикистан и Кыргызстан открыли границу для грузовиков"
    assert first.published == datetime(2026, 12, 4, 14, 30, tzinfo=UTC)
    assert first.authors == ("Нигора Саидова",)
    assert len(first.paragraphs) == 2
    assert second.title == "В Узбекистане задержали блогера за критику хокимов"
    assert second.published == datetime(2026, 12, 4, 11, 5, tzinfo=UTC)
    assert second.authors == ("Тимур Усманов",)
    assert len(second.paragraphs) == 2
    assert page.diagnostics.as_json()["left_out"]["blocks"] == 1  # the agency's name


def test_a_page_whose_date_lines_are_written_with_slashes(page_fixture) -> None:
    page = page_fixture("slash-dates.txt")
    assert page.page_date == DEC_4
    first, second = page.articles
    assert first.title == "Rogun HPP third unit to be launched in 2027, says Energy Minister"
    assert first.published == datetime(2026, 12, 4, 11, 20, tzinfo=UTC)
    assert len(first.paragraphs) == 3
    assert first.paragraphs[0].startswith("DUSHANBE, December 4, 2026, Asia-Plus -- ")
    assert second.published == datetime(2026, 12, 4, 9, 5, tzinfo=UTC)
    assert len(second.paragraphs) == 2
    assert not any("Read also" in p for a in page.articles for p in a.paragraphs)


@pytest.mark.parametrize(
    ("line", "at"),
    [
        ("10:15, 4 December 2026", datetime(2026, 12, 4, 10, 15, tzinfo=UTC)),
        ("14:30, 4 декабря 2026", datetime(2026, 12, 4, 14, 30, tzinfo=UTC)),
        ("14:30 | 04.12.2026", datetime(2026, 12, 4, 14, 30, tzinfo=UTC)),
        ("14:25 / 03.03.2026", datetime(2026, 3, 3, 14, 25, tzinfo=UTC)),
        ("3:47 PM GMT+4, March 11, 2025", datetime(2025, 3, 11, 11, 47, tzinfo=UTC)),
        ("9:30 pm, December 4, 2026", datetime(2026, 12, 4, 21, 30, tzinfo=UTC)),
        ("10:15 MSK, 4 December 2026", datetime(2026, 12, 4, 7, 15, tzinfo=UTC)),
        ("04/12/2026 11:20", datetime(2026, 12, 4, 11, 20, tzinfo=UTC)),
        ("04/12/2026", datetime(2026, 12, 4, tzinfo=UTC)),
        ("4/12/2026, 11:20", datetime(2026, 12, 4, 11, 20, tzinfo=UTC)),
        # Day first, as the region writes it, whenever both could be a month.
        ("03/04/2026", datetime(2026, 4, 3, tzinfo=UTC)),
        ("25/12/2026", datetime(2026, 12, 25, tzinfo=UTC)),
        # Only a second number past 12 makes it a US month-first date.
        ("12/25/2026", datetime(2026, 12, 25, tzinfo=UTC)),
    ],
)
def test_date_lines_with_the_time_first_or_slashes(line: str, at: datetime) -> None:
    stated = read_date_line(line)
    assert stated is not None
    assert stated.at == at
    assert stated.timed == (":" in line)


@pytest.mark.parametrize(
    "line", ["13/13/2026", "31/02/2026", "10:15, in 2026", "4/12/26", "25:00 | 04.12.2026 news"]
)
def test_not_date_lines(line: str) -> None:
    assert read_date_line(line) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "live-days.txt",
            [(4, 9, 55), (4, 6, 20), (3, 13, 40), (3, 16, 5)],  # ALMT is UTC+5
        ),
        (
            "live-days-ru.txt",
            [(4, 13, 10), (4, 6, 45), (3, 19, 30), (3, 16, 15)],  # МСК is UTC+3
        ),
    ],
)
def test_a_day_line_between_a_live_pages_items_dates_the_times_under_it(
    page_fixture, name: str, expected: list[tuple[int, int, int]]
) -> None:
    # "3 December 2026" between items: the times after it, before a headline
    # or under one, are on that day, not the page's.
    page = page_fixture(name)
    assert page.page_date == DEC_4
    stated = [datetime(2026, 12, d, h, m, tzinfo=UTC) for d, h, m in expected]
    assert [a.published for a in page.articles] == stated
    left_out = page.diagnostics.as_json()["left_out"]["kinds"]
    assert [k["kind"] for k in left_out] == ["dates under no headline"]
    # Received the same afternoon: every time stands, none is past the receipt.
    settled = settle_times(page, datetime(2026, 12, 4, 14, 0, tzinfo=UTC))
    assert [a.published for a in settled.articles] == stated


def test_a_stamp_with_its_update_in_brackets_dates_its_story() -> None:
    page = parse_page(
        "Sputnik\n\n«Узбекистон темир йуллари» закупит 20 новых локомотивов\n\n"
        "16:45 03.03.2025 (обновлено: 17:20 03.03.2025)\n\n"
        "ТАШКЕНТ, 3 мар — Sputnik. Компания подписала контракт на поставку 20 электровозов.\n"
        .encode(),
        "text/plain",
    )
    (story,) = page.articles
    assert story.title == "«Узбекистон темир йуллари» закупит 20 новых локомотивов"
    assert story.published == datetime(2025, 3, 3, 16, 45, tzinfo=UTC)
    assert story.modified == datetime(2025, 3, 3, 17, 20, tzinfo=UTC)


def test_a_wire_storys_updated_stamp_under_its_byline(page_fixture) -> None:
    # "By … Associated Press", then "Updated 3:47 PM GMT+4, March 11, 2025":
    # the story's update, no headline of a story of its own.
    page = page_fixture("wire-updated-stamps.txt")
    assert [(a.title, a.authors, a.modified) for a in page.articles] == [
        (
            "Georgian parliament passes disputed media law",
            ("SOPHIKO MEGRELIDZE",),
            datetime(2025, 3, 11, 11, 47, tzinfo=UTC),
        ),
        (
            "Armenia, Azerbaijan finalize text of peace deal",
            ("AVET DEMOURIAN",),
            datetime(2025, 3, 11, 9, 12, tzinfo=UTC),
        ),
    ]


def test_a_place_and_its_country_before_the_pages_date() -> None:
    stated = read_date_line("Baku, Azerbaijan, Tuesday, 4 March 2025", page_head=True)
    assert stated is not None and stated.day == date(2025, 3, 4)
