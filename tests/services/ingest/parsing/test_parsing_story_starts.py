"""Where a story starts when its headline has a date line, an agency's dateline
or a line of an unknown shape under it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.ingest.parsing import parse_page
from services.ingest.parsing.bylines import opens_with_dateline
from services.ingest.parsing.text import BEFORE_HEADLINES, UNDATED
from tests.support.left_out import left_out_kinds


def _parse(text: str):
    return parse_page(text.encode(), "text/plain")



def test_an_agency_page_dated_time_first_under_each_headline(page_fixture) -> None:
    page = page_fixture("kazinform-time-first.txt")
    first, second = page.articles
    assert first.title == "Tokayev signs law on artificial intelligence"
    assert first.published == datetime(2026, 12, 4, 10, 15, tzinfo=UTC)
    assert first.authors == ("Zhanna Yerzhanova",)
    assert len(first.paragraphs) == 3
    assert first.paragraphs[0].startswith("ASTANA. KAZINFORM – President")
    assert second.title == "Kazakhstan’s inflation slows to 11.2% in November"
    assert second.published == datetime(2026, 12, 4, 9, 40, tzinfo=UTC)
    assert second.authors == ("Arailym Temirgaliyeva",)
    assert len(second.paragraphs) == 2
    assert left_out_kinds(page) == {BEFORE_HEADLINES: 1}  # the agency's name


def test_a_date_line_under_a_headline_starts_its_story_on_the_same_subject(
    page_fixture,
) -> None:
    # Every story opens "ASTANA (Kazinform) - …": the second shares the
    # first's words, and was read as its subheading, its date line lost.
    page = page_fixture("agency-datelines.txt")
    assert [a.title for a in page.articles] == [
        "Tokayev signs law on artificial intelligence",
        "Senate backs new Tax Code",
        "Astana to host international forum in May",
    ]
    assert [len(a.paragraphs) for a in page.articles] == [3, 2, 2]
    assert [a.published for a in page.articles] == [
        datetime(2026, 12, 4, 10, 15, tzinfo=UTC),
        datetime(2026, 12, 4, 9, 40, tzinfo=UTC),
        None,
    ]
    assert all(a.paragraphs[0].startswith("ASTANA (Kazinform) - ") for a in page.articles)
    # The last story's date line under its text dates none: said so, not lost.
    assert left_out_kinds(page) == {BEFORE_HEADLINES: 2, UNDATED: 1}


def test_a_date_line_between_stories_is_left_out_and_said_so() -> None:
    page = _parse(
        "2 December 2026\n\n"
        "Parliament backs a new tax code\n"
        "The lower house passed the code in its third reading on Tuesday.\n\n"
        "1 December 2026\n\n"
        "Kyrgyz airline orders three jets\n"
        "Air Manas ordered three narrow-body jets for delivery in 2028.\n"
    )
    assert len(page.articles) == 2
    assert left_out_kinds(page) == {UNDATED: 1}


@pytest.mark.parametrize(
    "text",
    [
        "ASTANA (Kazinform) - President Tokayev has signed the law.",
        "BISHKEK (AKIpress) - Kyrgyzstan and Uzbekistan signed a deal.",
        "ASTANA. KAZINFORM – President Tokayev has signed the law.",
        "DUSHANBE, December 4, 2026, Asia-Plus -- The third unit will be launched.",
        "ASTANA — Kazakhstan will cut its export duty.",
    ],
)
def test_agency_datelines_open_a_story(text: str) -> None:
    assert opens_with_dateline(text)


def test_a_stamp_of_an_unknown_shape_under_a_headline() -> None:
    # "Today, 17:25" on a page that states no date, parsed with no receipt,
    # is no date line: it must not keep either headline from starting its story.
    page = _parse(
        "Tashkent metro to get 14 new stations by 2030\n"
        "Today, 17:25\n\n"
        "The Tashkent metro will be extended by 14 new stations by 2030, the city said.\n\n"
        "Tashkent metro fares to rise in January\n"
        "Today, 14:10\n\n"
        "A metro ride in Tashkent will cost 2,000 soums from January 1, the city said.\n"
    )
    assert [a.title for a in page.articles] == [
        "Tashkent metro to get 14 new stations by 2030",
        "Tashkent metro fares to rise in January",
    ]
    assert [a.paragraphs[0] for a in page.articles] == ["Today, 17:25", "Today, 14:10"]


def test_a_page_is_not_lost_for_one_line_of_an_unknown_shape() -> None:
    page = _parse(
        "Kyrgyzstan opens new airport terminal\n"
        "Staff reporter\n\n"
        "The new terminal at Manas airport received its first passengers on Thursday.\n"
    )
    (article,) = page.articles
    assert article.title == "Kyrgyzstan opens new airport terminal"
    assert article.paragraphs[-1].startswith("The new terminal")
    assert not page.diagnostics.warnings


def test_a_lists_last_item_over_a_sentence_stays_in_the_list(page_fixture) -> None:
    """Names set apart one by one, and items marked "- ": the last one, right
    over the story's next sentence, is the list's, not a new story's headline."""
    page = page_fixture("lists-in-stories-ru.txt")
    assert [(a.title, len(a.paragraphs)) for a in page.articles] == [
        ("ЦИК зарегистрировал пятерых кандидатов в акимы Алматы", 9),
        ("В Алматы закроют на ремонт три станции метро", 7),
    ]
    candidates, metro = page.articles
    assert candidates.paragraphs[-3:-1] == ("Жанна Ахметова", "Выборы пройдут 20 января.")
    assert candidates.authors == ()
    assert metro.paragraphs[2:5] == ("- Райымбек батыра", "- Площадь Республики", "- Жибек Жолы")
    assert page.page_date == date(2026, 12, 4)
