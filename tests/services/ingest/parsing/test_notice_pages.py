"""A page's head and foot as official sites and print pages set them: a
masthead in columns, an issue's date with its weekday in brackets, a feed's
"updated" stamp; pagination, the office a notice is signed by and its contacts."""

from __future__ import annotations

from datetime import date

import pytest

from services.ingest.parsing import parse_page
from services.ingest.parsing.chrome_lines import is_chrome_line

_STORY = (
    "Cabinet approves plan to move ministries\n\n"
    "The Cabinet on Wednesday approved a plan to move some ministries out of the capital.\n"
)


def _parse(text: str):
    return parse_page(text.encode(), "text/plain")


@pytest.mark.parametrize(
    ("head", "day"),
    [
        ("ULAANBAATAR HERALD          PAGE 3\nFriday, March 13, 2026          No. 10 (1245)", 13),
        ("№ 11 (1532)                         Среда, 13 марта 2026 года", 13),
        ("Выпуск за 13 марта 2026 года (пятница)", 13),
        ("Press Release Feed\nFeed updated: 2026-03-13 09:30 (GMT+5)", 13),
    ],
)
def test_a_page_head_states_its_date(head: str, day: int) -> None:
    page = _parse(f"{head}\n\n{_STORY}")
    assert page.page_date == date(2026, 3, day)
    assert [a.title for a in page.articles] == ["Cabinet approves plan to move ministries"]


def test_a_masthead_row_of_two_dates_is_no_masthead() -> None:
    page = _parse(f"Rates   13.03.2026   14.03.2026   15.03.2026\n\n{_STORY}")
    assert page.page_date is None


@pytest.mark.parametrize(
    "line",
    [
        "« Previous  1  2  3  …  148  Next »",
        "Page 2 of 14",
        "Показано 1–3 из 2 418 | Следующая страница →",
        "Тел.: (+994 12) 493-11-22 | press@cbar.example",
        "Media contact: Aigerim Nurlanova, +7 727 000 00 00",
        "Отдел по связям с общественностью",
        "Пресс-служба Кабинета министров Кыргызской Республики",
    ],
)
def test_a_lists_pages_and_a_notices_office_are_no_text(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Next week the parliament will vote on the budget.",
        "Previous attempts failed, and next year it will try again.",
        "Пресс-служба президента сообщила, что визит состоится в мае.",
    ],
)
def test_prose_about_pages_and_offices_stays(line: str) -> None:
    assert not is_chrome_line(line)


def test_an_office_signs_the_notice_above_but_heads_the_prose_below() -> None:
    page = _parse(
        "Пресс-служба президента опровергла слухи об отставке премьера\n\n"
        "В администрации президента назвали слухи об отставке премьер-министра "
        "не соответствующими действительности.\n\n"
        "Цены на хлеб в Бишкеке выросли на 5%\n\n"
        "Стоимость буханки хлеба в столице выросла за неделю, сообщили в мэрии.\n\n"
        "Пресс-служба мэрии города Бишкек\n\n"
        "Показано 1–2 из 2 418 | Следующая страница →\n"
    )
    assert [a.title for a in page.articles] == [
        "Пресс-служба президента опровергла слухи об отставке премьера",
        "Цены на хлеб в Бишкеке выросли на 5%",
    ]
    assert [len(a.paragraphs) for a in page.articles] == [1, 1]


def test_a_central_banks_release_page(page_fixture) -> None:
    # Its name in capitals over a menu of bars, a breadcrumb from its home
    # page, a named date line over the line introducing the official rates.
    page = page_fixture("central-bank-releases-ru.txt")
    assert page.page_date == date(2026, 3, 10)
    assert [a.title for a in page.articles] == [
        "О решении по учетной ставке",
        "Об отзыве лицензии небанковской кредитной организации",
        "Центральный банк провел депозитный аукцион",
    ]
    assert [len(a.paragraphs) for a in page.articles] == [3, 1, 2]
    assert [(q.pair, str(q.rate)) for q in page.quotes] == [
        ("USD/AZN", "1.7000"),
        ("EUR/AZN", "1.8432"),
        ("RUB/AZN", "0.0189"),
        ("TRY/AZN", "0.0395"),
    ]


@pytest.mark.parametrize(
    "line", ["Главная / Пресс-центр / Пресс-релизы", "Home › News › Economy"]
)
def test_a_breadcrumb_is_the_sites(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Information and Press Department of the MFA of the Republic of Tajikistan",
        "This transcript has been edited for clarity. Audio is available at alatoo.fm/en/news",
    ],
)
def test_a_ministrys_signature_and_a_transcripts_note(line: str) -> None:
    assert is_chrome_line(line)
