"""Discovery: every pushed feed document names the hub and itself, in its body and in
HTTP Link headers; query variants and archive pages name themselves but no hub."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from lxml import etree

from services.feed.render.xmlfeed import ATOM_NS
from shared.settings import Settings
from tests.services.feed.conftest import forget_all
from tests.support.content import ingest, page

BASE = "http://feeds.example.test"
HUB = f"{BASE}/websub"


def xml_links(body: bytes) -> dict[str, str]:
    root = etree.fromstring(body)
    return {
        el.get("rel"): el.get("href")
        for el in root.iter(f"{{{ATOM_NS}}}link")
        if el.getparent() is root or el.getparent().tag == "channel"
    }


@pytest.mark.parametrize(
    "path",
    ["/feeds/articles", "/feeds/tags/kazakhstan", "/feeds/sources/test", "/feeds/rates",
     "/feeds/rates/KGS-USD", "/feeds/rates-moves"],
)
def test_every_kind_and_format_names_hub_and_self(
    feed_app: Flask, small_settings: Settings, path: str
) -> None:
    ingest(small_settings, page("Disc", 2))
    client = feed_app.test_client()
    for fmt in ("atom", "rss", "json"):
        url = f"{BASE}{path}.{fmt}"
        resp = client.get(f"{path}.{fmt}")
        assert resp.status_code == 200, (url, resp.status_code)
        assert resp.headers["Link"] == f'<{HUB}>; rel="hub", <{url}>; rel="self"'
        if fmt == "json":
            doc = json.loads(resp.data)
            assert doc["hubs"] == [{"type": "WebSub", "url": HUB}]
            assert doc["feed_url"] == url
        else:
            links = xml_links(resp.data)
            assert links["hub"] == HUB and links["self"] == url
        # The fast path answers the second request from memory, with the same header.
        again = client.get(f"{path}.{fmt}", headers={"If-None-Match": resp.headers["ETag"]})
        assert again.status_code == 304
        assert again.headers["Link"] == resp.headers["Link"]


def test_query_variants_and_archives_are_not_pushed(
    feed_app: Flask, small_settings: Settings
) -> None:
    ingest(small_settings, page("Arch", 12))  # pages of five: two archive pages
    forget_all(feed_app)
    client = feed_app.test_client()
    resp = client.get("/feeds/articles.atom?q=Arch")
    assert resp.status_code == 200
    assert resp.headers["Link"] == f'<{BASE}/feeds/articles.atom?q=arch>; rel="self"'
    assert "hub" not in xml_links(resp.data)
    resp = client.get("/feeds/articles/archive/1.json")
    assert resp.status_code == 200
    assert resp.headers["Link"] == f'<{BASE}/feeds/articles/archive/1.json>; rel="self"'
    assert "hubs" not in json.loads(resp.data)
