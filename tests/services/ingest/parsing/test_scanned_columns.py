"""A print page scanned and read by OCR: narrow columns, hyphenated line ends,
headlines over two or three lines, surnames in capitals signing the stories."""

from __future__ import annotations

from datetime import date

from services.ingest.parsing.column_text import column_rows


def test_a_scanned_english_page(page_fixture) -> None:
    page = page_fixture("scanned-columns.txt")
    assert page.page_date == date(2026, 2, 26)
    first, second = page.articles[:2]
    assert first.title == "GOVERNMENT APPROVES NEW HOUSING PROGRAMME FOR YOUNG FAMILIES"
    assert first.authors == ("Arman Zhunusov",)
    # "Tues-" / "day": one word again.
    assert first.paragraphs[0].startswith("ASTANA – The government on Tuesday approved")
    assert len(first.paragraphs) == 3
    assert second.title == "Kazakh wheat exports reach record high"
    assert second.authors == ("Saule Bekova",)


def test_a_scanned_russian_page_signed_in_capitals(page_fixture) -> None:
    page = page_fixture("scanned-columns-ru.txt")
    assert page.page_date == date(2026, 2, 27)
    assert [a.title for a in page.articles] == [
        "ДОРОГУ БАЛЫКЧЫ – ЧОЛПОН-АТА ОТРЕМОНТИРУЮТ К ЛЕТУ",
        "В КАРАКОЛЕ ОТКРЫЛСЯ ЦЕНТР ДЛЯ ДЕТЕЙ С ОСОБЫМИ ПОТРЕБНОСТЯМИ",
        "Лёд на озере опасен",
    ]
    # "Бакыт ОСМОНОВ." under the text signs it; the ministry's press office signs none.
    assert page.articles[0].authors == ("Бакыт ОСМОНОВ",)
    assert page.articles[0].paragraphs[0].startswith("Ремонт участка автодороги Балыкчы – Чолпон-Ата")
    assert [len(a.paragraphs) for a in page.articles] == [3, 2, 1]


def test_pages_of_long_or_unbroken_lines_are_left_as_they_are() -> None:
    text = "Headline one\nA first paragraph of the story that runs on.\n" * 3
    assert column_rows(text, text.splitlines()) is None
    short = "Tokayev resigns\n14:05\nThe president resigned.\nMarkets fall\n" * 4
    assert column_rows(short, short.splitlines()) is None
