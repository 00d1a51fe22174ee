"""A headline with its deck right under it, a line without a full stop
("Снегопад в Бишкеке вызвал многокилометровые пробки"), starts its story after
a finished one, the deck its first paragraph; an "Updated:"/"Обновлено:" line
inside a story is its update."""

from __future__ import annotations

from datetime import UTC, date, datetime


def test_headlines_over_their_decks_start_their_stories(page_fixture) -> None:
    page = page_fixture("headline-decks.txt")
    assert page.page_date == date(2026, 3, 4)
    assert [(a.title, a.authors, len(a.paragraphs)) for a in page.articles] == [
        ("Kazakhstan approves new mining code", ("Dana Omarova",), 3),
        ("Uzbekistan opens first solar plant in Samarkand", (), 3),
        ("Tajik aluminium exports fall", (), 1),
    ]
    solar = page.articles[1]
    assert solar.paragraphs[0] == "The 100 MW station will supply 150,000 homes"
    assert solar.modified == datetime(2026, 3, 4, 16, 10, tzinfo=UTC)
    assert page.diagnostics.as_json()["left_out"]["blocks"] == 1  # the outlet's name


def test_russian_headlines_over_their_decks_start_their_stories(page_fixture) -> None:
    page = page_fixture("headline-decks-ru.txt")
    assert page.page_date == date(2025, 12, 15)
    assert [(a.title, a.authors, a.tags, len(a.paragraphs)) for a in page.articles] == [
        (
            "Узбекистан снизит пошлины на импорт лекарств",
            ("Дильноза Азимова",),
            ("uzbekistan",),
            3,
        ),
        ("В Кыргызстане выпал первый снег", (), ("kyrgyzstan",), 3),
        ("Казахстанский тенге укрепился", (), ("kazakhstan",), 1),
    ]
    # "Обновлено: 15.12.2025 10:20" under the standfirst: the story's update.
    assert page.articles[0].modified == datetime(2025, 12, 15, 10, 20, tzinfo=UTC)
    assert page.articles[1].paragraphs[0] == "Снегопад в Бишкеке вызвал многокилометровые пробки"
    assert page.diagnostics.as_json()["left_out"]["blocks"] == 0
