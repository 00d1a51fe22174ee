"""A schedule in a story, rows each opening with a time ("08:40 Istanbul"),
stays in the story: its last row is no live page's timed headline, nor a
time alone with a place after it."""

from __future__ import annotations

from datetime import date

from services.ingest.parsing import parse_page


def test_a_list_of_flight_times_stays_in_its_story(page_fixture) -> None:
    page = page_fixture("flight-schedule-in-story.txt")
    assert page.page_date == date(2026, 12, 4)
    assert [(a.title, a.published, len(a.paragraphs)) for a in page.articles] == [
        ("Uzbekistan Airways adds daily flights to Istanbul and Dubai", None, 6),
        ("Samarkand airport opens second terminal", None, 2),
    ]
    flights = page.articles[0].paragraphs
    assert flights[2:5] == ("08:40 Istanbul", "12:15 Moscow", "19:30 Dubai")
    left = {k.kind: k.sample for k in page.diagnostics.left_out}
    assert left == {"before the first headline": "Kun.uz — English edition"}


def test_a_live_pages_timed_headlines_still_start_stories() -> None:
    page = parse_page(
        b"4 December 2026\n\n"
        b"14:05 Uzbekistan opens new rail link to Afghanistan\n"
        b"The first freight train crossed the border at Termez on Thursday.\n\n"
        b"13:40 Kyrgyz parliament backs new tax code\n"
        b"Deputies voted 72 to 3 to approve the code.\n",
        "text/plain",
    )
    assert [a.title for a in page.articles] == [
        "Uzbekistan opens new rail link to Afghanistan",
        "Kyrgyz parliament backs new tax code",
    ]
