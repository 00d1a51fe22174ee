"""Wire agencies' datelines, their place in any case, their day, then the agency
("Алматы. 3 марта. ИНТЕРФАКС-КАЗАХСТАН - …", "Moscow, March 3 (Reuters) - …"),
open a story's lead: the line over it is its headline, and the agency's name
over the page's date line is no story."""

from __future__ import annotations

from datetime import date

import pytest

from services.ingest.parsing.bylines import opens_with_dateline


@pytest.mark.parametrize(
    "text",
    [
        "Алматы. 3 марта. ИНТЕРФАКС-КАЗАХСТАН - Правительство Казахстана ввело запрет",
        "Москва. 3 марта. INTERFAX.RU - Правительство утвердило",
        "ALMATY. March 3 (Interfax-Kazakhstan) - The government banned",
        "Moscow, March 3 (Reuters) - Russia said on Tuesday",
        "Бишкек, 3 марта /Kabar/. Правительство Кыргызстана одобрило",
        # A place and a day before the lead's first sentence.
        "Ташкент, 15 марта. Сотрудники Института зоологии описали новый вид",
        "Almaty, March 3. The government said on Tuesday",
    ],
)
def test_a_wire_agencys_dateline_opens_a_lead(text: str) -> None:
    assert opens_with_dateline(text)


@pytest.mark.parametrize(
    "text",
    ["Tokayev, March 3 was the day - he said", "Almaty, March 3 and 4 were holidays"],
)
def test_a_place_and_a_day_running_on_open_a_sentence(text: str) -> None:
    assert not opens_with_dateline(text)


def test_a_wire_page_is_cut_at_its_headlines(page_fixture) -> None:
    page = page_fixture("wire-datelines-ru.txt")
    assert page.page_date == date(2026, 3, 3)
    assert [(a.title, len(a.paragraphs)) for a in page.articles] == [
        ("Казахстан ограничил вывоз бензина на полгода", 3),
        ("Токаев провел встречу с премьер-министром", 2),
    ]
    assert page.articles[0].paragraphs[0].startswith("Алматы. 3 марта. ИНТЕРФАКС-КАЗАХСТАН - ")
    kinds = {k["kind"]: k["sample"] for k in page.diagnostics.as_json()["left_out"]["kinds"]}
    assert kinds == {
        "before the first headline": "Интерфакс-Казахстан",
        # Its credit ends the caption: no headline, no paragraph.
        "captions, prompts and notices": "Фото: АЗС в Алматы. Фото: пресс-служба Минэнерго",
    }


def test_a_feed_of_times_over_headlines(page_fixture) -> None:
    # "Новости за 3 марта 2025" dates the page; each story's time stands set
    # apart right over its headline, which it dates and marks as a headline
    # whatever words its lead shares with the story above.
    page = page_fixture("feed-times-over-headlines-ru.txt")
    assert page.page_date == date(2025, 3, 3)
    assert [(a.title, a.published.strftime("%H:%M"), len(a.paragraphs)) for a in page.articles] == [
        ("Узбекистан и Афганистан договорились увеличить товарооборот до $3 млрд", "10:20", 2),
        ("Ташкентское метро продлит время работы", "09:55", 1),
        ("Курс сума к доллару обновил минимум", "09:30", 2),
        ("В Самарканде пройдет форум по туризму с участием Китая и Турции", "08:15", 1),
    ]
    assert page.articles[0].paragraphs[0].startswith("Ташкент, 3 марта, «Дунё». ")


def test_a_page_without_blank_lines_is_cut_at_headlines_over_their_stamps(page_fixture) -> None:
    # No blank line anywhere: a headline right under the story above (even one
    # whose last paragraph lost its full stop) starts its story when its
    # stamp ("Сегодня, 11:05", "Вчера, 22:40") stands right under it.
    page = page_fixture("no-blank-lines-stamps-ru.txt")
    assert page.page_date == date(2025, 12, 15)
    assert [
        (a.title, a.authors, a.published.strftime("%d %H:%M"), len(a.paragraphs))
        for a in page.articles
    ] == [
        ("Нацбанк сохранил базовую ставку", (), "15 14:30", 3),
        ("Снег в Алматы: что нужно знать водителям?", ("Данияр Сейтказин",), "15 11:05", 3),
        ("Казахстанский боксер завоевал золото чемпионата Азии", (), "14 22:40", 2),
    ]
    assert [q.pair for q in page.quotes] == ["USD/KZT", "EUR/KZT", "RUB/KZT"]


def test_stamps_set_apart_over_their_headlines_date_their_stories(page_fixture) -> None:
    # "03.03.2025, 10:20", a blank line, the headline: the story's stamp, the
    # second one too (after the first story's end), not a date of neither.
    page = page_fixture("stamps-set-apart-over-headlines-ru.txt")
    assert [(a.title, a.published.strftime("%H:%M")) for a in page.articles] == [
        ("Казахстан увеличит экспорт зерна в Афганистан и Иран", "10:20"),
        ("Астанинская биржа зафиксировала рекордный объем торгов", "09:45"),
    ]
    assert "dates under no headline" not in {
        k["kind"] for k in page.diagnostics.as_json()["left_out"]["kinds"]
    }


def test_a_digest_dated_after_its_name_and_a_comma(page_fixture) -> None:
    # "Central Asia Digest, March 3, 2026" dates the page; the agency's name
    # above it heads no story, and the numbered items are the stories.
    page = page_fixture("digest-named-date.txt")
    assert page.page_date == date(2026, 3, 3)
    assert [(a.title, len(a.paragraphs)) for a in page.articles] == [
        ("Kyrgyzstan, Uzbekistan agree to launch Kambarata-1 construction in 2026", 2),
        ("Flights between Bishkek and Delhi to resume", 1),
        ("Gold prices hit record", 1),
        ("Snowfall closes Bishkek–Osh highway", 2),
        ("Tokayev to visit Tokyo", 1),
    ]


def test_a_place_and_a_day_before_a_long_dash_open_a_lead(page_fixture) -> None:
    # "Bishkek, March 3 — 24.kg news agency. …" under "Japarov meets
    # Mirziyoyev": a new story, whatever names it shares with the one above.
    assert opens_with_dateline("Bishkek, March 3 — 24.kg news agency. President Japarov")
    page = page_fixture("dash-datelines.txt")
    assert [(a.title, len(a.paragraphs)) for a in page.articles] == [
        ("Meat prices", 3),
        ("Will Bishkek introduce paid parking in the center?", 4),
        ("Japarov meets Mirziyoyev", 2),
        ("Manas airport: passenger traffic up 17 percent", 1),
    ]
