"""Zones written out after a time: "4:35 pm, Astana time", "по времени Астаны", "(GMT+5)"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.ingest.parsing import parse_page
from services.ingest.parsing.dates import read_date_line


@pytest.mark.parametrize(
    ("line", "hour", "minute"),
    [
        ("4 December 2026, 4:35 pm, Astana time", 11, 35),
        ("4 December 2026, 16:35 по времени Астаны", 11, 35),
        ("4 декабря 2026, 16:35 по астанинскому времени", 11, 35),
        ("4 December 2026, 4:35 pm (GMT+5)", 11, 35),
        ("4 December 2026 16:35 UTC+06:00", 10, 35),
        ("4 December 2026, 16:35 Bishkek time", 10, 35),
        ("4 December 2026, 16:35 MSK", 13, 35),
        # A place not known: the time as UTC, as a zone not known is.
        ("4 December 2026, 16:35 Lisbon time", 16, 35),
    ],
)
def test_a_zone_in_words_after_a_date_lines_time(line: str, hour: int, minute: int) -> None:
    stated = read_date_line(line)
    assert stated is not None
    assert stated.at == datetime(2026, 12, 4, hour, minute, tzinfo=UTC)


def test_an_abbreviation_after_a_comma_is_a_place_not_a_zone() -> None:
    assert read_date_line("Wednesday 20 November 2019 11:42, UK") is None


@pytest.mark.parametrize(
    "stamp", ["4:35 pm, Astana time", "16:35 по времени Астаны", "4:35 pm (GMT+5)"]
)
def test_a_time_in_a_zone_in_words_under_the_first_headline_dates_it(stamp: str) -> None:
    page = parse_page(
        (
            "4 December 2026\n\n"
            "Kazakh Senate ratifies agreement with EU on critical raw materials\n"
            f"{stamp}\n"
            "The Senate ratified the strategic partnership agreement on Thursday.\n\n"
            "Almaty to introduce paid parking in city center\n"
            "11:02\n"
            "Almaty will introduce paid parking from February 1, the city said.\n"
        ).encode(),
        "text/plain",
    )
    senate, parking = page.articles
    assert senate.title.startswith("Kazakh Senate")
    assert senate.published == datetime(2026, 12, 4, 11, 35, tzinfo=UTC)
    assert senate.paragraphs == (
        "The Senate ratified the strategic partnership agreement on Thursday.",
    )
    assert parking.published == datetime(2026, 12, 4, 11, 2, tzinfo=UTC)


def test_a_live_pages_lone_times_are_in_the_zone_its_date_line_names(page_fixture) -> None:
    page = page_fixture("live-page-zone.txt")
    # "Last updated: 21:10 KGT, …": the times under the headlines are KGT (UTC+6).
    assert [a.published for a in page.articles] == [
        datetime(2026, 11, 30, 14, 45, tzinfo=UTC),
        datetime(2026, 11, 30, 9, 30, tzinfo=UTC),
        datetime(2026, 11, 30, 2, 0, tzinfo=UTC),
    ]


def test_lone_times_stay_utc_when_no_date_line_names_a_zone() -> None:
    page = parse_page(
        b"November 30, 2026\n\nPolls open across the country\n08:00\n"
        b"Polling stations opened at 8 a.m. local time.\n",
        "text/plain",
    )
    assert page.articles[0].published == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_a_live_pages_times_before_its_headlines_are_in_the_pages_zone() -> None:
    page = parse_page(
        (
            b"Live: Kazakhstan votes\n"
            b"Last updated: 18:20 ALMT, December 4, 2026\n\n"
            b"18:05 Polls closed, turnout at 67 percent\n"
            b"Polling stations across Kazakhstan closed at 8 p.m. local time.\n\n"
            b"16:40 Observers report carousel voting in Shymkent\n"
            b"Independent observers said they had recorded cases of carousel voting.\n"
        ),
        "text/plain",
    )
    assert [a.published for a in page.articles] == [
        datetime(2026, 12, 4, 13, 5, tzinfo=UTC),
        datetime(2026, 12, 4, 11, 40, tzinfo=UTC),
    ]
