"""Entries carry the page's authors and link: Atom author, RSS dc:creator, JSON Feed authors."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from feed_render_checks import parse_with_feedparser
from feed_render_factories import make_meta

from services.feed.entries import _article_entry
from services.feed.render import render_feed
from shared.models import Article

WHEN = datetime(2025, 12, 15, 9, 0, tzinfo=UTC)


def article(**overrides: object) -> Article:
    values: dict[str, object] = {
        "guid": "urn:uuid:6c1f0e0a-0000-4000-8000-000000000001",
        "title": "В Таджикистане открыли новую ГЭС",
        "paragraphs": ["ДУШАНБЕ — В Таджикистане запустили новую станцию."],
        "url": "https://example.tj/news/ges-2025",
        "source": "asia-news",
        "published_at": WHEN,
        "updated_at": WHEN,
        "authors": ["Фарход Рахимов", "Лола Саидова"],
        "tags": [],
    }
    values.update(overrides)
    return Article(**values)


def test_entry_author_and_link_come_from_the_page() -> None:
    entry = _article_entry(article(), [], "http://feeds.example")
    assert entry.authors == ("Фарход Рахимов", "Лола Саидова")
    assert entry.link == "https://example.tj/news/ges-2025"
    # A page that names nobody keeps the upstream's name as before.
    upstream = _article_entry(article(authors=None), [], "http://feeds.example")
    assert upstream.authors == ("asia-news",)


def test_every_format_shows_the_authors() -> None:
    entry = _article_entry(article(), [], "http://feeds.example")
    doc = json.loads(render_feed("json", make_meta("json"), [entry]))
    # One author each, as RFC 4287's Person constructs and JSON Feed's author
    # objects are: never one person named "A, B".
    assert doc["items"][0]["authors"] == [{"name": "Фарход Рахимов"}, {"name": "Лола Саидова"}]
    assert doc["items"][0]["url"] == "https://example.tj/news/ges-2025"
    for fmt in ("atom", "rss"):
        data = render_feed(fmt, make_meta(fmt), [entry])
        parsed = parse_with_feedparser(fmt, data)
        names = [a.get("name") for a in parsed.entries[0].get("authors", [])]
        assert names == ["Фарход Рахимов", "Лола Саидова"], (fmt, names)
        assert parsed.entries[0].link == "https://example.tj/news/ges-2025", fmt
