"""A page's date line with a name before it over a question headline, with an
ampersand in the name, and with the weekday after the date."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.ingest.parsing import parse_page
from services.ingest.parsing.dates import read_date_line, read_named_date_line


def test_a_named_date_line_over_a_question_headline_is_the_pages_date(page_fixture) -> None:
    page = page_fixture("question-under-named-date.txt")
    assert page.page_date == date(2026, 12, 3)
    assert [a.title for a in page.articles] == [
        "Can Central Asia keep its water deals through a dry year?",
        "Will the tenge hold after the rate cut?",
    ]
    assert page.diagnostics.as_json()["left_out"]["blocks"] == 0


def test_a_daily_brief_over_a_question_headline() -> None:
    page = parse_page(
        (
            "Daily brief — 4 December 2026\n\n"
            "Is Kyrgyzstan ready for the winter?\n"
            "The energy ministry expects a shortage of 2 billion kilowatt-hours this winter.\n"
        ).encode(),
        "text/plain",
    )
    assert page.page_date == date(2026, 12, 4)
    assert page.articles[0].title == "Is Kyrgyzstan ready for the winter?"


def test_a_headline_ending_in_a_date_over_a_finished_sentence_stays_one() -> None:
    page = parse_page(
        b"Astana Investment Forum - March 3, 2026\n"
        b"The forum will bring together 5,000 delegates from 100 countries.\n",
        "text/plain",
    )
    assert page.page_date is None
    assert page.articles[0].title == "Astana Investment Forum - March 3, 2026"


@pytest.mark.parametrize(
    "line", ["Opinion & Analysis — 3 December 2026", "Analysis & Opinion | 3 December 2026"]
)
def test_an_ampersand_in_the_pages_name(line: str) -> None:
    stated = read_named_date_line(line)
    assert stated is not None and stated.day == date(2026, 12, 3)


@pytest.mark.parametrize(
    "line",
    ["3 декабря 2026, среда", "3 декабря 2026 г., среда, 10:15", "December 3, 2026, Wednesday"],
)
def test_the_weekday_after_the_date(line: str) -> None:
    stated = read_date_line(line)
    assert stated is not None and stated.day == date(2026, 12, 3)


def test_a_russian_page_dated_with_the_weekday_after(page_fixture) -> None:
    page = page_fixture("weekday-after-ru.txt")
    assert page.page_date == date(2026, 12, 3)
    assert [len(a.paragraphs) for a in page.articles] == [2, 1]


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("4 желтоқсан 2026 ж.", date(2026, 12, 4)),
        ("10:15, 4 желтоқсан 2026", date(2026, 12, 4)),
        ("4 мамыр 2026", date(2026, 5, 4)),
        ("4 маусым 2026", date(2026, 6, 4)),
        ("1 қаңтар 2027", date(2027, 1, 1)),
    ],
)
def test_kazakh_month_names(line: str, day: date) -> None:
    stated = read_date_line(line)
    assert stated is not None and stated.day == day


def test_a_kazakh_page_dated_by_its_date_lines(page_fixture) -> None:
    page = page_fixture("kazakh-dates.txt")
    assert page.page_date == date(2026, 12, 3)
    school, metro = page.articles
    assert school.title == "Астанада жаңа мектеп ашылды"
    assert school.published == datetime(2026, 12, 3, 11, 20, tzinfo=UTC)
    assert metro.published == datetime(2026, 12, 3, 9, 5, tzinfo=UTC)
    left = {k.kind: k for k in page.diagnostics.left_out}
    assert left["before the first headline"].sample == "Egemen Qazaqstan — Жаңалықтар"
