"""A subheading of two or three words that names something its story tells
("Новые ставки" in a story on the key rate) stays in the story, however the
word is inflected; a short headline on another subject starts its own."""

from __future__ import annotations

from datetime import date


def test_short_subheadings_stay_in_their_story(page_fixture) -> None:
    page = page_fixture("short-subheadings-ru.txt")
    assert page.page_date == date(2026, 12, 4)
    assert [(a.title, len(a.paragraphs)) for a in page.articles] == [
        ("Нацбанк Кыргызстана повысил учетную ставку до 10%", 8),
        ("В Оше открыли новый роддом", 1),
    ]
    rate = page.articles[0].paragraphs
    assert rate[2] == "Новые ставки"
    assert rate[5] == "Кредиты подорожают"
