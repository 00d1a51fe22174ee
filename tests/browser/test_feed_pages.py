"""What a person sees in a real browser: the index, and a feed URL opened directly."""

from __future__ import annotations

from pathlib import Path

from lxml import html

from services.feed.app import create_app
from shared.settings import Settings
from tests.support.browser import dump_dom, needs_chromium, screenshot
from tests.support.content import ingest, page
from tests.support.serving import serving

pytestmark = needs_chromium


def test_a_feed_opened_in_a_browser_is_a_readable_page(settings: Settings, tmp_path: Path) -> None:
    ingest(settings, page("Browser", 2), source="wire")
    app = create_app(settings, watch_changes=False)
    with serving(app) as base:
        dom = html.fromstring(dump_dom(f"{base}/feeds/articles.atom"))
        shot = tmp_path / "feed.png"
        screenshot(f"{base}/feeds/articles.rss", shot)
    headings = [h.text_content().strip() for h in dom.iter("h2")]
    assert headings == ["Browser Story Number 1 From Almaty", "Browser Story Number 0 From Almaty"]
    assert "copy its address into your feed reader" in dom.text_content()
    assert dom.xpath("//code")[0].text_content() == "http://feeds.example.test/feeds/articles.atom"
    assert not dom.xpath("//script")
    assert shot.stat().st_size > 10_000  # a rendered page, not an error stub


def test_the_index_lists_feeds_with_autodiscovery_in_a_browser(settings: Settings) -> None:
    ingest(settings, page("Index", 1), source="wire")
    app = create_app(settings, watch_changes=False)
    with serving(app) as base:
        dom = html.fromstring(dump_dom(f"{base}/"))
    alternates = {
        link.get("type"): link.get("href") for link in dom.xpath("//head/link[@rel='alternate']")
    }
    assert alternates["application/atom+xml"].endswith("/feeds/rates.atom") or alternates[
        "application/atom+xml"
    ].endswith("/feeds/articles.atom")
    assert alternates["application/feed+json"] == "http://feeds.example.test/feeds/articles.json"
    feed_items = [li.text_content() for li in dom.xpath("//ul[@class='feeds']/li")]
    assert any(item.startswith("All articles") for item in feed_items)
    assert any(item.startswith("Tag: kazakhstan") for item in feed_items)
    latest = [a.text_content() for a in dom.xpath("//ul[@class='latest']//a")]
    assert latest == ["Index Story Number 0 From Almaty"]
