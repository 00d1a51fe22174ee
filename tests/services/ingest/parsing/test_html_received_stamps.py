"""An HTML page that states no date counts its cards' relative stamps ("Сегодня,
14:22", "Вчера 18:40", "3 декабря, 19:48"), and an article's only printed time
when it is one, from the day it was received, as a text page does."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from services.ingest.parsing import parse_page

PAGES = Path(__file__).resolve().parents[3] / "fixtures" / "pages"
ALMT = timezone(timedelta(hours=5))

_CARD = (
    '<div class="card"><h3><a href="/news/{n}">{title}</a></h3>'
    '<span class="card__time">{stamp}</span>'
    "<p>Об этом сообщили в пресс-службе ведомства в пятницу утром.</p></div>"
)


def _front(*stamps: str) -> bytes:
    titles = [
        "В Ташкенте откроют четыре новые станции метро",
        "Узбекистан отказался от госзаказа на хлопок",
        "Граждане Китая смогут въезжать без визы",
        "В Бишкеке подорожал проезд в маршрутках",
    ]
    cards = "".join(
        _CARD.format(n=n, title=titles[n], stamp=stamp) for n, stamp in enumerate(stamps)
    )
    return f"<html><body><main>{cards}</main></body></html>".encode()


def _published(body: bytes, received: datetime | None) -> list[datetime | None]:
    return [a.published for a in parse_page(body, "text/html", received).articles]


def test_an_undated_front_pages_cards_count_from_the_receipt() -> None:
    body = _front("Сегодня, 14:22", "Вчера 18:40", "Today, 09:15", "3 декабря, 19:48")
    page = parse_page(body, "text/html", datetime(2026, 12, 5, 10, 0, tzinfo=UTC))
    assert [a.published for a in page.articles] == [
        datetime(2026, 12, 5, 14, 22, tzinfo=UTC),
        datetime(2026, 12, 4, 18, 40, tzinfo=UTC),
        datetime(2026, 12, 5, 9, 15, tzinfo=UTC),
        datetime(2026, 12, 3, 19, 48, tzinfo=UTC),
    ]
    assert page.page_date is None
    assert page.diagnostics.warnings == ()


def test_a_receipt_near_midnight_counts_from_its_utc_day_unless_the_stamp_names_a_zone() -> None:
    # 23:30 UTC on 4 December is 5 December in Almaty (UTC+5).
    received = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)
    body = _front("Сегодня, 14:22", "Вчера 18:40", "Сегодня, 01:15 ALMT")
    assert _published(body, received) == [
        datetime(2026, 12, 4, 14, 22, tzinfo=UTC),
        datetime(2026, 12, 3, 18, 40, tzinfo=UTC),
        datetime(2026, 12, 5, 1, 15, tzinfo=ALMT),
    ]
    # Just after midnight UTC it is the next day's; a receipt without a zone
    # (read back from SQLite) is UTC's.
    assert _published(_front("Сегодня, 14:22"), datetime(2026, 12, 5, 0, 5)) == [
        datetime(2026, 12, 5, 14, 22, tzinfo=UTC)
    ]


def test_the_pages_own_date_comes_before_the_receipt() -> None:
    body = (PAGES / "russian-front-relative-dates.html").read_bytes()
    assert _published(body, datetime(2026, 12, 10, 12, 0, tzinfo=UTC)) == [
        datetime(2026, 12, 4, 11, 20, tzinfo=UTC),
        datetime(2026, 12, 3, 18, 40, tzinfo=UTC),
        datetime(2026, 12, 2, 9, 5, tzinfo=UTC),
    ]


def test_without_a_date_or_a_receipt_the_stamps_date_nothing_and_a_warning_says_so() -> None:
    page = parse_page(_front("Сегодня, 14:22", "Вчера 18:40"), "text/html")
    assert [a.published for a in page.articles] == [None, None]
    assert page.diagnostics.warnings == (
        "relative day not read, the page states no date: 'Сегодня, 14:22'",
        "relative day not read, the page states no date: 'Вчера 18:40'",
    )


def test_a_page_without_relative_stamps_reads_the_same_with_a_receipt() -> None:
    body = _front("03.12.2026 18:40", "02.12.2026 21:15")
    received = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    assert parse_page(body, "text/html", received) == parse_page(body, "text/html")


def test_an_articles_only_printed_date_when_relative_counts_from_the_receipt() -> None:
    paragraph = (
        "<p>Мэрия Бишкека повысила стоимость проезда в маршрутках с понедельника, "
        "сообщили в пресс-службе, абзац {n}.</p>"
    )
    body = (
        "<html><head><title>В Бишкеке подорожал проезд</title>"
        "<meta property='og:type' content='article'></head><body><article>"
        "<h1>В Бишкеке подорожал проезд</h1><div class='article__date'>Вчера, 18:40</div>"
        + "".join(paragraph.format(n=n) for n in range(6))
        + "</article></body></html>"
    ).encode()
    page = parse_page(body, "text/html", datetime(2026, 12, 5, 0, 30, tzinfo=UTC))
    assert [a.published for a in page.articles] == [datetime(2026, 12, 4, 18, 40, tzinfo=UTC)]
    page = parse_page(body, "text/html")
    assert [a.published for a in page.articles] == [None]
    assert page.diagnostics.warnings == (
        "relative day not read, the page states no date: 'Вчера, 18:40'",
    )


def test_an_articles_yearless_date_counts_from_its_time_element_before_the_receipt() -> None:
    # Its post-date prints "05 Oct"; its <time> says 5 October 2018.
    name = "a860fb5eda1ac75df3bc95ba096ade649fdbb1bb566adb9fee3cb13e59f37604.html.gz"
    body = gzip.decompress((PAGES.parent / "article-extraction" / "html" / name).read_bytes())
    page = parse_page(body, "text/html", datetime(2026, 12, 5, 10, 0, tzinfo=UTC))
    assert [a.published for a in page.articles] == [datetime(2018, 10, 5, tzinfo=UTC)]
