"""An HTML page's date when no <time> or meta tag states it: its first date line."""

from __future__ import annotations

from datetime import date

from services.ingest.parsing import ParsedPage, parse_page


def parse(html: str) -> ParsedPage:
    return parse_page(html.encode("utf-8"), "text/html")


def test_a_front_page_is_not_dated_by_an_older_card_under_relative_stamps(page_fixture) -> None:
    # "Today, 09:15" and "Yesterday, 17:30" stand above the one dated card:
    # the page is later than that card, and its own day is not printed.
    page = page_fixture("front-relative-stamps.html")
    assert len(page.articles) == 3
    assert page.page_date is None


def test_a_relative_word_inside_prose_leaves_the_date_line_the_pages() -> None:
    page = parse(
        "<html><body><p>Today the council met.</p><div>4 December 2026</div>"
        "<h2><a href='/a'>Council meets</a></h2><p>The council met on Thursday to vote.</p>"
        "<h2><a href='/b'>Budget passed</a></h2><p>The budget passed in a third reading.</p>"
        "</body></html>"
    )
    assert page.page_date == date(2026, 12, 4)


def test_a_relative_stamp_counts_only_above_the_date_line() -> None:
    page = parse(
        "<html><body><div>Вчера 18:40</div><div>Четверг, 4 декабря 2026</div></body></html>"
    )
    assert page.page_date is None
    page = parse(
        "<html><body><div>Четверг, 4 декабря 2026</div><div>Вчера 18:40</div></body></html>"
    )
    assert page.page_date == date(2026, 12, 4)


def test_a_today_link_in_the_menu_leaves_the_masthead_date_the_pages(page_fixture) -> None:
    page = page_fixture("today-link-over-date.html")
    assert page.page_date == date(2026, 12, 4)


def test_a_bare_today_counts_in_a_card_and_not_in_a_header() -> None:
    card = "<article class='card'><h2>Council meets</h2><span>Today</span></article>"
    page = parse(f"<html><body>{card}<div>4 December 2026</div></body></html>")
    assert page.page_date is None
    header = "<header><div class='top'>Today</div></header>"
    page = parse(f"<html><body>{header}<div>4 December 2026</div></body></html>")
    assert page.page_date == date(2026, 12, 4)
