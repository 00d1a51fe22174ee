"""A second time in brackets after a stamp ("15:30 (мск 12:30)") is a
conversion for readers in another zone: the page's own time dates the story,
and the stamp is none of its text."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.ingest.parsing.text_dates import without_converted_time


def test_the_pages_own_time_dates_the_story(page_fixture) -> None:
    page = page_fixture("stamps-with-moscow-time-ru.txt")
    assert page.page_date == date(2026, 12, 4)
    assert [(a.title, a.published, len(a.paragraphs)) for a in page.articles] == [
        (
            "В Бишкеке прошло заседание Евразийского межправсовета",
            datetime(2026, 12, 4, 15, 30, tzinfo=UTC),
            2,
        ),
        ("Курс сома к доллару укрепился", datetime(2026, 12, 4, 14, 10, tzinfo=UTC), 1),
        ("В Нарыне открыли новую больницу", datetime(2026, 12, 4, 11, 45, tzinfo=UTC), 1),
    ]
    left = {k.kind: k.blocks for k in page.diagnostics.left_out}
    assert left == {"before the first headline": 1}


def test_a_converted_time_is_dropped_before_the_line_is_read() -> None:
    assert without_converted_time("4 декабря 2026, 15:30 (мск 12:30)") == "4 декабря 2026, 15:30"
    assert without_converted_time("December 4, 2026, 3:30 PM (12:30 MSK)") == (
        "December 4, 2026, 3:30 PM"
    )
    assert without_converted_time("4 декабря 2026, 15:30") is None
    # A bracket with no time, or a time alone in brackets: nothing converted.
    assert without_converted_time("Tokayev visits Tashkent (Updated)") is None
    assert without_converted_time("(12:30)") is None
