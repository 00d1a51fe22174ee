"""An interview that names its speakers on lines of their own ("DALER
JUMA", then the answer) is one story: a speaker's name, printed again for
each turn, is no headline."""

from __future__ import annotations

from datetime import date

from services.ingest.parsing import parse_page


def test_speakers_named_on_their_own_lines_stay_in_the_interview(page_fixture) -> None:
    page = page_fixture("interview-speakers-apart.txt")
    assert page.page_date == date(2026, 12, 4)
    assert [(a.title, a.authors, len(a.paragraphs)) for a in page.articles] == [
        ('"Water is our biggest risk": Tajikistan\'s energy minister on Rogun', (), 13),
        ("Kazakhstan opens new grain terminal at Aktau", (), 2),
    ]
    interview = page.articles[0].paragraphs
    # Each speaker's name stays over their words, in order.
    assert interview[1:4] == (
        "STEPPE REVIEW",
        "When will Rogun reach full capacity?",
        "DALER JUMA",
    )
    assert interview[-1].startswith("Afghanistan and Pakistan")
    left = {k.kind: k.sample for k in page.diagnostics.left_out}
    assert left == {"before the first headline": "The Steppe Review"}


def test_a_short_headline_printed_once_still_starts_its_story() -> None:
    page = parse_page(
        b"4 December 2026\n\n"
        b"TOKAYEV VISITS TASHKENT\n"
        b"The president arrived on Thursday for two days of talks on water and trade.\n\n"
        b"RAIL LINK OPENS\n"
        b"The first train left Termez for Mazar-i-Sharif on Friday morning.\n",
        "text/plain",
    )
    assert [a.title for a in page.articles] == ["TOKAYEV VISITS TASHKENT", "RAIL LINK OPENS"]


def test_headlines_listed_above_their_stories_are_no_speakers() -> None:
    """A page that lists its headlines first, then prints each over its story: each
    headline is printed twice, as a speaker's name is, but in the list each stands
    right over another headline, not over words of its own."""
    page = parse_page(
        b"In this issue\n"
        b"Drought hits northern wheat\n"
        b"New metro line opens\n"
        b"Central bank holds rates\n\n"
        b"Drought hits northern wheat\n"
        b"Farmers in the northern regions reported the lowest yields in a decade after"
        b" months without rain.\n\n"
        b"New metro line opens\n"
        b"The city opened its second metro line on Friday, linking the airport with the"
        b" central station.\n\n"
        b"Central bank holds rates\n"
        b"The national bank kept its key rate unchanged, saying inflation had slowed for"
        b" a third month.\n",
        "text/plain",
    )
    assert [a.title for a in page.articles] == [
        "Drought hits northern wheat",
        "New metro line opens",
        "Central bank holds rates",
    ]
