"""A page's name, in any case, before its date: "Daily brief — 4 December 2026"."""

from __future__ import annotations

from datetime import date

import pytest

from services.ingest.parsing import parse_page


def _parse(text: str):
    return parse_page(text.encode(), "text/plain")


def test_a_live_feed_named_in_sentence_case_gives_the_page_date(page_fixture) -> None:
    page = page_fixture("lenta-ru.txt")
    assert page.page_date == date(2026, 12, 4)
    assert [a.title for a in page.articles] == [
        "В Алматы закроют движение по проспекту Абая на выходные",
        "Казахстан увеличит экспорт пшеницы в Китай",
        "В Астане выпал первый снег",
        "Нацбанк Казахстана сохранил базовую ставку на уровне 16,5%",
    ]
    assert [len(a.paragraphs) for a in page.articles] == [1, 1, 1, 2]
    assert len(page.quotes) == 3
    assert page.diagnostics.as_json()["left_out"]["blocks"] == 0


def test_a_digest_named_in_sentence_case_gives_the_page_date(page_fixture) -> None:
    page = page_fixture("digest-emoji.txt")
    assert page.page_date == date(2026, 12, 2)
    assert len(page.articles) == 3


@pytest.mark.parametrize(
    "line",
    [
        "Daily brief — 4 December 2026",
        "Kun.uz — 4 December 2026",
        "Лента новостей — 4 декабря 2026",
        "Лента новостей | 4 декабря 2026",
        "Central Asia Daily - 04.12.2026",
    ],
)
def test_a_name_before_a_dash_and_the_date_above_the_first_headline(line: str) -> None:
    page = _parse(
        f"{line}\n\n"
        "Kyrgyzstan opens new airport terminal\n\n"
        "The new terminal at Manas airport received its first passengers on Thursday.\n"
    )
    assert page.page_date == date(2026, 12, 4)
    (article,) = page.articles
    assert article.title == "Kyrgyzstan opens new airport terminal"
    assert page.diagnostics.as_json()["left_out"]["blocks"] == 0


def test_a_headline_ending_in_a_date_over_its_story_stays_a_headline() -> None:
    page = _parse(
        "Astana Investment Forum - March 3, 2026\n"
        "The forum will bring together 5,000 delegates from 100 countries.\n"
    )
    assert page.page_date is None
    (article,) = page.articles
    assert article.title == "Astana Investment Forum - March 3, 2026"
