"""Hostile HTML in a posted page never reaches a feed or a page as markup: no
script, no event handler, no javascript: URL — through the real pipeline."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree

from services.feed.app import create_app as create_feed_app
from services.ingest.app import create_app as create_ingest_app
from shared.settings import Settings
from tests.conftest import TOKEN
from tests.support.processes import ServiceProcess
from tests.support.waiting import wait_for

AUTH = {"Authorization": f"Bearer {TOKEN}"}
HOSTILE = b"""<!DOCTYPE html>
<html><head><title>Hostile</title><script>steal(document.cookie)</script></head>
<body onload="steal()">
<p class="today">Monday, 15 December 2025</p>
<h2><a href="javascript:steal()" onclick="steal()">Hostile Headline Number One</a></h2>
<p>First paragraph <script>steal("inline")</script>with an image
<img src="x" onerror="steal('img')"> and a <a href="javascript:steal()">link</a>.</p>
<p>&lt;script&gt;steal("escaped")&lt;/script&gt; is text and must stay text.</p>
<p><iframe src="https://evil.example/"></iframe><svg onload="steal()"><title>t</title></svg>
<style>body{background:url(javascript:steal())}</style>Last words.</p>
<h2>Second &lt;img src=x onerror=steal()&gt; Headline</h2>
<p>Its body <b onmouseover="steal()">bold</b> text.</p>
</body></html>
"""
# What must never appear as markup in an entry's HTML.
UNSAFE = re.compile(
    r"<\s*(script|iframe|svg|style|img|object|embed)\b|\son\w+\s*=|javascript:", re.IGNORECASE
)
# In a whole page (whose own template has style and script), the page's
# payload must not sit inside a tag or a script/style element.
UNSAFE_IN_PAGE = re.compile(
    r"<[^>]*(steal|evil)|<(script|style)[^>]*>[^<]*steal|javascript:", re.IGNORECASE
)


@pytest.fixture
def ingest(settings: Settings, workers: dict[str, ServiceProcess]) -> Iterator[FlaskClient]:
    app: Flask = create_ingest_app(settings)
    yield app.test_client()
    app.extensions["silkfeed"]["outbox"].stop()


def xml_texts(doc: bytes, tags: tuple[str, ...]) -> list[str]:
    """The text of elements whose content is HTML (escaped inside the XML)."""
    root = etree.fromstring(doc, etree.XMLParser(resolve_entities=False, no_network=True))
    return [
        el.text or ""
        for el in root.iter()
        if isinstance(el.tag, str) and etree.QName(el).localname in tags
    ]


def test_hostile_html_is_sanitised_everywhere(settings: Settings, ingest: FlaskClient) -> None:
    resp = ingest.post(
        "/v1/submissions?source=hostile",
        data=HOSTILE,
        headers={**AUTH, "Content-Type": "text/html"},
    )
    assert resp.status_code == 202
    sid = resp.get_json()["id"]
    done = wait_for(
        lambda: (
            (d := ingest.get(f"/v1/submissions/{sid}", headers=AUTH).get_json())["status"]
            in ("done", "failed")
            and d
        ),
        60,
        what="the hostile page",
    )
    assert done["status"] == "done" and done["counts"]["articles"] == 2, done

    feed = create_feed_app(settings, watch_changes=False).test_client()

    def two_items() -> dict | None:
        doc = feed.get("/feeds/articles.json").get_json()
        return doc if doc and len(doc.get("items", [])) == 2 else None

    json_feed = wait_for(two_items, 30, what="the rendered feeds")
    htmls = [item.get("content_html", "") for item in json_feed["items"]]
    assert any("must stay text" in h for h in htmls)
    # Escaped markup in the text stays visible text, i.e. escaped again.
    assert any("&lt;script&gt;" in h for h in htmls)
    atom = feed.get("/feeds/articles.atom").data
    rss = feed.get("/feeds/articles.rss").data
    htmls += xml_texts(atom, ("content", "summary")) + xml_texts(rss, ("description", "encoded"))
    for html in htmls:
        assert not UNSAFE.search(html), UNSAFE.search(html)
        assert not UNSAFE_IN_PAGE.search(html), UNSAFE_IN_PAGE.search(html)
    # Pages are HTML themselves: the index and each article's page.
    pages = [feed.get("/").get_data(as_text=True)]
    for item in json_feed["items"]:
        path = item["url"].removeprefix(settings.base_url) if item.get("url") else None
        if path and path.startswith("/articles/"):
            pages.append(feed.get(path).get_data(as_text=True))
    assert len(pages) == 3
    for page in pages:
        assert "Hostile Headline Number One" in page or "Second" in page
        assert not UNSAFE_IN_PAGE.search(page), UNSAFE_IN_PAGE.search(page)
    # Titles are text in every format, never markup.
    titles = {item["title"] for item in json_feed["items"]}
    assert "Second <img src=x onerror=steal()> Headline" in titles
