"""E-mail newsletters as text: a greeting, country kickers over headlines
set right over their text, a sign-off and the list's links."""

from __future__ import annotations

from datetime import date

import pytest

from services.ingest.parsing.chrome_lines import is_chrome_line
from services.ingest.parsing.text_stories import SECTION_LABELS
from tests.support.left_out import left_out_kinds


def test_a_newsletter_under_country_kickers(page_fixture) -> None:
    page = page_fixture("newsletter-country-kickers.txt")
    # "Rogun dam reaches new construction milestone" shares words with the
    # story above ("construction of a new terminal"), but its kicker parts them.
    assert [a.title for a in page.articles] == [
        "Parliament fast-tracks tax relief for rural small businesses",
        "Tashkent airport to get new international terminal",
        "Rogun dam reaches new construction milestone",
    ]
    assert [len(a.paragraphs) for a in page.articles] == [2, 1, 2]
    assert page.page_date == date(2026, 3, 5)
    assert left_out_kinds(page)[SECTION_LABELS] == 2  # UZBEKISTAN, TAJIKISTAN


def test_a_russian_evening_digest(page_fixture) -> None:
    page = page_fixture("digest-evening-ru.txt")
    assert [a.title for a in page.articles] == [
        "Узбекистан разместил еврооблигации на $1 млрд",
        "В Ташкенте ограничат въезд грузовиков в центр города",
        "Минздрав расширил список бесплатных лекарств",
        "Сборная Узбекистана сыграет товарищеский матч с Японией",
    ]
    assert page.page_date == date(2026, 3, 5)
    texts = [p for a in page.articles for p in a.paragraphs]
    assert not any(p.startswith(("Добрый вечер", "На сегодня")) for p in texts)


@pytest.mark.parametrize(
    "line",
    [
        "Good morning. Here is what you need to know about the region today.",
        "Добрый вечер! Собрали для вас самые важные новости дня.",
        "That's all for today. Forward this email to a colleague who might find it useful.",
        "Not subscribed yet? Sign up at centralasiadigest.example/brief",
        "Unsubscribe | Manage preferences",
        "View this email in your browser",
    ],
)
def test_a_letters_words_to_its_readers(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    "line", ["Hello Kitty opens a store in Almaty", "Good governance index puts Kazakhstan 40th"]
)
def test_headlines_opening_like_a_greeting(line: str) -> None:
    assert not is_chrome_line(line)


def test_a_magazines_contents_over_its_stories(page_fixture) -> None:
    page = page_fixture("magazine-contents.txt")
    # "No. 9 (412) | Friday, 27 February 2026": the issue's date.
    assert page.page_date == date(2026, 2, 27)
    assert [a.title for a in page.articles] == [
        "Herders brace for another dzud as snow blankets the west",
        "Oyu Tolgoi underground output ramps up",
        "A new home for the Mongolian Theatre of Puppets",
    ]
    assert page.articles[0].authors == ("Bolormaa Tserendorj",)  # "Text by …"
    texts = [p for a in page.articles for p in a.paragraphs]
    assert not any("......" in p or p == "IN THIS ISSUE" for p in texts)


@pytest.mark.parametrize(
    "line",
    ["IN THIS ISSUE", "Business: Oyu Tolgoi underground output ramps up ........... 6"],
)
def test_an_issues_contents(line: str) -> None:
    assert is_chrome_line(line)
