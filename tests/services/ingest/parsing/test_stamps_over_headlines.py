"""A stamp printed over each headline, set apart from the story above by a
blank line and right over its own headline, dates the story it heads."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.ingest.parsing import parse_page


def _summary(page) -> list[tuple]:
    return [(a.title, a.published, len(a.paragraphs)) for a in page.articles]


def test_dates_and_times_over_each_headline_date_their_stories(page_fixture) -> None:
    page = page_fixture("stamps-over-headlines-ru.txt")
    assert page.page_date == date(2026, 12, 4)
    assert _summary(page) == [
        ("В Оше открыли новый мост через Ак-Бууру", datetime(2026, 12, 4, 12, 45, tzinfo=UTC), 2),
        (
            "Цены на хлеб в Джалал-Абаде выросли на 3 сома",
            datetime(2026, 12, 4, 10, 10, tzinfo=UTC),
            3,
        ),
        ("В Баткенской области выпал первый снег", datetime(2026, 12, 3, 21, 30, tzinfo=UTC), 1),
    ]
    # Every stamp dates a story: none is left out.
    left = {k.kind: k.blocks for k in page.diagnostics.left_out}
    assert left == {"before the first headline": 2}


def test_times_alone_over_each_headline_are_on_the_pages_day(page_fixture) -> None:
    page = page_fixture("times-over-headlines.txt")
    assert page.page_date == date(2026, 12, 3)
    assert _summary(page) == [
        ("Uzbekistan lifts ban on wheat exports", datetime(2026, 12, 3, 12, 45, tzinfo=UTC), 2),
        ("Tashkent metro extends night service", datetime(2026, 12, 3, 11, 20, tzinfo=UTC), 2),
        ("Samarkand airport opens second terminal", datetime(2026, 12, 3, 9, 5, tzinfo=UTC), 1),
    ]
    left = {k.kind: k.sample for k in page.diagnostics.left_out}
    assert left == {"before the first headline": "Kun Lenta — News in English"}


def test_a_time_over_a_stories_text_dates_no_story() -> None:
    page = parse_page(
        b"3 December 2026\n\n"
        b"Uzbekistan lifts ban on wheat exports\n"
        b"The government lifted the ban on Thursday after a record harvest.\n\n"
        b"12:45\n"
        b"Exporters must still register each shipment with customs.\n",
        "text/plain",
    )
    assert _summary(page) == [("Uzbekistan lifts ban on wheat exports", None, 2)]
    assert [k.kind for k in page.diagnostics.left_out] == ["dates under no headline"]
