"""A live page's time before each headline dates its story on the page's day."""

from __future__ import annotations

from datetime import UTC, datetime

from services.ingest.parsing import parse_page


def _parse(text: str):
    return parse_page(text.encode(), "text/plain")


def test_a_live_feed_dates_its_items_by_their_times(page_fixture) -> None:
    page = page_fixture("lenta-ru.txt")
    assert [a.published for a in page.articles] == [
        datetime(2026, 12, 4, 14, 55, tzinfo=UTC),
        datetime(2026, 12, 4, 14, 20, tzinfo=UTC),
        datetime(2026, 12, 4, 13, 40, tzinfo=UTC),
        datetime(2026, 12, 4, 12, 10, tzinfo=UTC),
    ]
    assert page.articles[0].title == "В Алматы закроют движение по проспекту Абая на выходные"


def test_a_zone_after_the_time_is_read_and_is_no_word_of_the_title() -> None:
    page = _parse(
        "Лента новостей — 4 декабря 2026\n\n"
        "14:55 ALMT В Алматы закроют движение по проспекту Абая\n"
        "Ограничение связано с ремонтом трамвайных путей, сообщили в акимате.\n"
    )
    (article,) = page.articles
    assert article.title == "В Алматы закроют движение по проспекту Абая"
    assert article.published == datetime(2026, 12, 4, 9, 55, tzinfo=UTC)


def test_without_a_page_date_the_time_dates_nothing() -> None:
    page = _parse(
        "14:55 В Алматы закроют движение по проспекту Абая\n"
        "Ограничение связано с ремонтом трамвайных путей, сообщили в акимате.\n"
    )
    (article,) = page.articles
    assert article.title == "В Алматы закроют движение по проспекту Абая"
    assert article.published is None


def test_a_date_line_under_the_headline_is_the_stories_own() -> None:
    page = _parse(
        "4 December 2026\n\n"
        "14:55 Kazakhstan raises the minimum wage\n"
        "4 December 2026, 09:00\n"
        "The government approved the increase on Tuesday.\n"
    )
    (article,) = page.articles
    assert article.title == "Kazakhstan raises the minimum wage"
    assert article.published == datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
