"""Front pages whose cards name their stories with a link classed as a title."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from services.ingest.parsing import ParsedPage, parse_page

ALMATY = timezone(timedelta(hours=5))


def parse(html: str) -> ParsedPage:
    return parse_page(html.encode("utf-8"), "text/html")


def test_cards_titled_by_a_link_in_a_title_box_are_stories(page_fixture) -> None:
    page = page_fixture("front-title-links.html")
    assert [(a.title, a.url, a.published) for a in page.articles] == [
        (
            "Almaty opens third metro line to Alatau district",
            "https://steppe-herald.example/news/2026/12/04/almaty-metro-line",
            datetime(2026, 12, 4, 9, 30, tzinfo=ALMATY),
        ),
        (
            "Kazakhstan extends wheat export duty until June",
            "https://steppe-herald.example/business/2026/12/04/wheat-export-duty",
            datetime(2026, 12, 4, 8, 5, tzinfo=ALMATY),
        ),
        (
            "Tashkent and Almaty to get hourly flights from spring",
            "https://steppe-herald.example/news/2026/12/03/tashkent-flights",
            datetime(2026, 12, 3, 19, 48, tzinfo=ALMATY),
        ),
    ]
    # The lead alone is the text: the meta line (time, section, views) is left out.
    assert [len(a.paragraphs) for a in page.articles] == [1, 1, 1]
    assert page.articles[1].paragraphs[0].startswith("The duty of 20 euros")
    left = {kind.kind for kind in page.diagnostics.left_out}
    assert "loose text" in left


CARD = """<div class="nblock"><div class="nblock__text">
<a class="nblock__title" href="/ru/2026/12/04/{n}/">{title}</a>
<div class="nblock__lead">{lead}</div>
<div class="nblock__meta"><span>Сегодня, 14:22</span> <span>Общество</span> <span>3 214</span></div>
</div></div>"""


def test_a_title_classed_link_heads_its_card_and_the_meta_line_is_no_paragraph() -> None:
    cards = "".join(
        CARD.format(n=n, title=title, lead=lead)
        for n, title, lead in [
            ("metro", "В Ташкенте откроют новые станции метро", "Строительство завершится в мае."),
            ("cotton", "Узбекистан отказался от госзаказа на хлопок", "Фермеры продадут хлопок."),
        ]
    )
    page = parse(f"<html><body><div class='content'>{cards}</div></body></html>")
    assert [(a.title, a.url, a.paragraphs) for a in page.articles] == [
        (
            "В Ташкенте откроют новые станции метро",
            "/ru/2026/12/04/metro/",
            ("Строительство завершится в мае.",),
        ),
        (
            "Узбекистан отказался от госзаказа на хлопок",
            "/ru/2026/12/04/cotton/",
            ("Фермеры продадут хлопок.",),
        ),
    ]


def test_one_title_classed_link_cuts_no_cards() -> None:
    page = parse(
        "<html><body><a class='post-title' href='/a'>Only one</a>"
        "<div>First paragraph of a note that is long enough to read.</div></body></html>"
    )
    assert all(a.title != "Only one" or a.url is None for a in page.articles)
