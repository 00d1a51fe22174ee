"""A page's name of several words over its date line, above the first headline:
page chrome, left out, with the date line the page's date."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.ingest.parsing import parse_page
from services.ingest.parsing.bylines import byline_authors, is_dateline
from services.ingest.parsing.chrome_lines import is_chrome_line


def _parse(text: str):
    return parse_page(text.encode(), "text/plain")


def test_a_wire_service_name_over_the_date_line_is_no_headline(page_fixture) -> None:
    page = page_fixture("site-name-over-date.txt")
    assert page.page_date == date(2026, 12, 3)
    assert [a.title for a in page.articles] == [
        "Azerbaijan and Turkmenistan agree to expand ferry traffic across the Caspian",
        "Georgia opens tender for Anaklia port operator",
    ]
    ferries, port = page.articles
    # "Baku, Azerbaijan, December 3. By … – Caspian Business Wire:" signs the story.
    assert ferries.authors == ("Leyla Huseynova",)
    assert port.authors == ("Nino Beridze",)
    assert [len(a.paragraphs) for a in page.articles] == [2, 2]
    assert len(page.quotes) == 2
    left = {kind.kind: kind for kind in page.diagnostics.left_out}
    assert left["before the first headline"].sample == "Caspian Business Wire"
    assert left["before the first headline"].blocks == 1


def test_a_newspaper_name_over_a_weekday_date_and_a_zone_in_words(page_fixture) -> None:
    page = page_fixture("site-name-zone-words.txt")
    assert page.page_date == date(2026, 12, 3)
    border, runway = page.articles
    assert border.title == "Kazakhstan to open two new border crossings with China"
    # "5:20 pm, Astana time" under the headline: its time, in UTC+5.
    assert border.published == datetime(2026, 12, 3, 12, 20, tzinfo=UTC)
    assert border.authors == ("Arman Seitkali",)
    assert runway.published == datetime(2026, 12, 3, 10, 45, tzinfo=UTC)
    left = {kind.kind: kind for kind in page.diagnostics.left_out}
    assert left["before the first headline"].sample == "The Steppe Herald"


def test_a_headline_over_the_date_line_and_its_prose_stays_a_headline() -> None:
    page = _parse(
        "Kyrgyzstan Opens New Airport Terminal\n"
        "4 December 2026\n\n"
        "The new terminal at Manas airport received its first passengers on Thursday.\n"
    )
    (article,) = page.articles
    assert article.title == "Kyrgyzstan Opens New Airport Terminal"
    assert page.page_date == date(2026, 12, 4)


def test_a_trend_style_credit_names_the_author_and_its_dateline_stays() -> None:
    line = "Baku, Azerbaijan, December 4. By Nargiz Sadikhova – Trend:"
    assert byline_authors(line) == ("Nargiz Sadikhova",)
    assert is_dateline("Baku, Azerbaijan, December 4. ©Trend:")
    assert byline_authors("The vote was held on Friday. By law it is final.") is None


def test_a_whatsapp_channel_prompt_is_left_out() -> None:
    assert is_chrome_line("Stay up-to-date with more news on Trend News Agency's WhatsApp channel")
    assert is_chrome_line("Stay tuned on our Telegram channel")
    assert not is_chrome_line("Stay tuned for more on the talks in Baku")


def test_a_name_over_the_date_line_with_no_blank_line_under_it() -> None:
    page = _parse(
        "The Steppe Herald\n"
        "Friday, December 4, 2026\n"
        "Kazakh Senate ratifies agreement with EU on critical raw materials\n"
        "4:35 pm, Astana time\n"
        "By Dana Omirgazy\n"
        "ASTANA – The Senate ratified the agreement on Thursday.\n"
    )
    (article,) = page.articles
    assert article.title.startswith("Kazakh Senate ratifies")
    assert article.published == datetime(2026, 12, 4, 11, 35, tzinfo=UTC)


def test_a_headlines_lead_right_under_its_date_line_stays_its_text() -> None:
    page = _parse(
        "Kazakhstan Raises Fuel Prices\n"
        "2 December 2026\n"
        "Petrol and diesel will cost five percent more from January for all drivers\n"
        "The energy ministry said the increase was needed to attract investment.\n"
    )
    (article,) = page.articles
    assert article.title == "Kazakhstan Raises Fuel Prices"
    assert len(article.paragraphs) == 2


@pytest.mark.parametrize(
    ("name", "title", "published", "standfirst"),
    [
        (
            "single-story-standfirst.txt",
            "Kyrgyzstan raises electricity tariffs for households",
            datetime(2026, 12, 4, tzinfo=UTC),
            "Tariffs will rise by a fifth from January",
        ),
        (
            "single-story-standfirst-ru.txt",
            "Токаев подписал новый Налоговый кодекс",
            datetime(2026, 12, 4, 15, 20, tzinfo=UTC),
            "Документ вступит в силу с 1 января",
        ),
    ],
)
def test_one_storys_headline_over_its_date_line_is_no_page_name(
    page_fixture, name: str, title: str, published: datetime, standfirst: str
) -> None:
    """A standfirst set apart under the date line is the story's first
    paragraph: the line above the date, on the story's subject, its headline."""
    page = page_fixture(name)
    (article,) = page.articles
    assert (article.title, article.published, len(article.paragraphs)) == (title, published, 4)
    assert article.paragraphs[0] == standfirst
    assert page.page_date == date(2026, 12, 4)
    assert page.diagnostics.left_out == ()


def test_a_masthead_over_one_story_is_still_the_pages_name() -> None:
    page = _parse(
        "Kazakhstan Today\n"
        "4 December 2026\n\n"
        "Kazakhstan to open border crossings with China\n"
        "ASTANA – Kazakhstan will open two checkpoints on its border with China next year, "
        "the Ministry of Finance said on Thursday.\n\n"
        "The crossings are expected to handle 3,000 trucks a day.\n"
    )
    (article,) = page.articles
    assert article.title == "Kazakhstan to open border crossings with China"
    assert [k.sample for k in page.diagnostics.left_out] == ["Kazakhstan Today"]
