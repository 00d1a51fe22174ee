"""The feed service as readers meet it: formats, filters, archives, conditional GET."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree

from services.feed.serving import accepts_gzip
from shared.settings import Settings
from tests.services.feed.conftest import forget_all
from tests.services.feed.render.feed_render_checks import feed_problems
from tests.support.content import ingest, page

BASE = "http://feeds.example.test"
FH = "http://purl.org/syndication/history/1.0"
ATOM = "http://www.w3.org/2005/Atom"


@pytest.fixture
def client(feed_app: Flask, small_settings: Settings) -> FlaskClient:
    ingest(small_settings, page("Alpha", 3), source="wire")
    return feed_app.test_client()


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("atom", "application/atom+xml"),
        ("rss", "application/rss+xml"),
        ("json", "application/feed+json"),
    ],
)
def test_each_format_is_valid_with_the_right_media_type(
    client: FlaskClient, fmt: str, media_type: str
) -> None:
    resp = client.get(f"/feeds/articles.{fmt}")
    assert resp.status_code == 200
    assert resp.mimetype == media_type and resp.mimetype_params["charset"] == "utf-8"
    assert feed_problems(fmt, resp.data, f"{BASE}/feeds/articles.{fmt}") == []


def test_rss_has_atom_self_link_and_ttl_matching_cache_control(client: FlaskClient) -> None:
    resp = client.get("/feeds/articles.rss")
    root = etree.fromstring(resp.data)
    links = root.findall(f"channel/{{{ATOM}}}link")
    assert any(
        lk.get("rel") == "self" and lk.get("href") == f"{BASE}/feeds/articles.rss" for lk in links
    )
    assert resp.headers["Cache-Control"] == "public, max-age=120"
    assert root.findtext("channel/ttl") == "2"


def test_entries_carry_guid_dates_tags_summary_content_link(client: FlaskClient) -> None:
    parsed = feedparser.parse(client.get("/feeds/articles.atom").data)
    assert not parsed.bozo and len(parsed.entries) == 3
    for entry in parsed.entries:
        assert entry.id.startswith("urn:uuid:")
        assert entry.published_parsed[:3] == (2025, 12, 15)
        assert entry.updated_parsed
        assert [t.term for t in entry.tags] == ["kazakhstan"]
        assert entry.summary.startswith("Officials in Kazakhstan")
        assert entry.content[0].value.startswith("<p>Officials")
        assert entry.link.startswith(f"{BASE}/articles/")


def test_entry_links_resolve_to_article_pages(client: FlaskClient) -> None:
    entry = feedparser.parse(client.get("/feeds/articles.atom").data).entries[0]
    resp = client.get(entry.link.removeprefix(BASE))
    assert resp.status_code == 200 and entry.title in resp.get_data(as_text=True)


def test_tag_and_source_feeds_and_unknown_ones(client: FlaskClient) -> None:
    assert len(feedparser.parse(client.get("/feeds/tags/kazakhstan.atom").data).entries) == 3
    assert len(feedparser.parse(client.get("/feeds/sources/wire.rss").data).entries) == 3
    for missing in (
        "/feeds/tags/atlantis.atom",
        "/feeds/sources/nobody.json",
        "/feeds/articles.xml",
        "/feeds/tags/kazakhstan.html",
    ):
        resp = client.get(missing)
        assert resp.status_code == 404 and resp.mimetype == "application/problem+json"


def test_q_filters_by_words_in_title_or_body(client: FlaskClient, small_settings: Settings) -> None:
    ingest(small_settings, page("Bravo", 2, extra="Rail freight doubled."), source="wire")
    titles = lambda r: [e["title"] for e in r.get_json()["items"]]  # noqa: E731
    assert titles(client.get("/feeds/articles.json?q=bravo")) == [
        "Bravo Story Number 1 From Almaty",
        "Bravo Story Number 0 From Almaty",
    ]
    assert len(titles(client.get("/feeds/articles.json?q=FREIGHT+rail"))) == 2
    assert titles(client.get("/feeds/articles.json?q=freight+alpha")) == []
    assert titles(client.get("/feeds/articles.json?q=100%25")) == []  # % is text, not a wildcard


RUSSIAN_PAGE = """15 декабря 2025

Казахстан снизит экспортную пошлину на пшеницу

АСТАНА — Правительство Казахстана снизит экспортную пошлину на пшеницу с апреля.

Экспортёры зерна приветствовали это решение.
""".encode()


def test_q_folds_every_script_not_only_ascii(client: FlaskClient, small_settings: Settings) -> None:
    ingest(small_settings, RUSSIAN_PAGE, source="ru-wire")
    titles = lambda r: [e["title"] for e in r.get_json()["items"]]  # noqa: E731
    wanted = ["Казахстан снизит экспортную пошлину на пшеницу"]
    # A capital in the title, in the body, or in neither: each spelling finds it.
    for q in ("Казахстан", "казахстан", "КАЗАХСТАН", "астана", "ЭКСПОРТЁРЫ", "Пошлину"):
        assert titles(client.get(f"/feeds/articles.json?q={q}")) == wanted, q
    assert titles(client.get("/feeds/articles.json?q=казахстан+alpha")) == []


def test_q_looks_among_the_newest_articles_only(
    client: FlaskClient, small_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A word found nowhere must not make each request read the whole history.
    import services.feed.entries as entries

    ingest(small_settings, page("Windowed", 4), source="wire")
    monkeypatch.setattr(entries, "SEARCH_WINDOW", 2)
    titles = [e["title"] for e in client.get("/feeds/articles.json?q=windowed").get_json()["items"]]
    assert titles == ["Windowed Story Number 3 From Almaty", "Windowed Story Number 2 From Almaty"]


def test_limit_is_bounded_and_checked(client: FlaskClient) -> None:
    assert len(client.get("/feeds/articles.json?limit=2").get_json()["items"]) == 2
    assert len(client.get("/feeds/articles.json?limit=100000").get_json()["items"]) == 3
    assert len(client.get("/feeds/articles.json?limit=-4").get_json()["items"]) == 1
    resp = client.get("/feeds/articles.json?limit=lots")
    assert resp.status_code == 422 and resp.get_json()["parameter"] == "limit"


def test_parameter_order_and_junk_do_not_split_the_cache(
    client: FlaskClient, feed_app: Flask
) -> None:
    a = client.get("/feeds/articles.atom?q=alpha+story&limit=2")
    b = client.get("/feeds/articles.atom?utm_source=x&limit=2&q=Story%20ALPHA")
    assert a.headers["ETag"] == b.headers["ETag"] and a.data == b.data
    plain = client.get("/feeds/articles.atom")
    junk = client.get("/feeds/articles.atom?utm_campaign=z&limit=5")
    assert plain.headers["ETag"] == junk.headers["ETag"]
    keys = set(feed_app.extensions["silkfeed"]["memory"]._entries)
    assert keys == {"articles.atom", "articles.atom?limit=2&q=alpha+story"}


def test_archives_let_a_reader_walk_back_to_the_first_entry(
    client, small_settings: Settings
) -> None:
    ingest(small_settings, page("Charlie", 4))
    ingest(small_settings, page("Delta", 5))  # 12 articles, pages of 5: two full archives
    seen: list[str] = []
    url = "/feeds/articles.atom"
    documents = 0
    while url:
        resp = client.get(url)
        assert resp.status_code == 200
        root = etree.fromstring(resp.data)
        ids = [e.findtext(f"{{{ATOM}}}id") for e in root.findall(f"{{{ATOM}}}entry")]
        seen += [i for i in ids if i not in seen]
        rels = {lk.get("rel"): lk.get("href") for lk in root.findall(f"{{{ATOM}}}link")}
        if documents:
            assert root.find(f"{{{FH}}}archive") is not None
            assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"
            assert rels["current"] == f"{BASE}/feeds/articles.atom"
        else:
            assert root.find(f"{{{FH}}}archive") is None
        url = rels.get("prev-archive", "").removeprefix(BASE)
        documents += 1
    assert documents == 3 and len(seen) == 12
    first = feedparser.parse(client.get("/feeds/articles/archive/1.atom").data)
    assert [e.title for e in first.entries][-1] == "Alpha Story Number 0 From Almaty"
    assert client.get("/feeds/articles/archive/3.atom").status_code == 404


def test_archive_pages_do_not_change_when_new_entries_arrive(
    client, small_settings: Settings, feed_app: Flask
) -> None:
    ingest(small_settings, page("Echo", 3))  # 6 articles: one archive page
    first = client.get("/feeds/articles/archive/1.rss")
    ingest(small_settings, page("Foxtrot", 5))
    forget_all(feed_app)
    again = client.get("/feeds/articles/archive/1.rss")
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert client.get("/feeds/articles/archive/2.rss").status_code == 200


def test_json_feed_pages_with_next_url(client: FlaskClient, small_settings: Settings) -> None:
    ingest(small_settings, page("Golf", 4))
    doc = client.get("/feeds/articles.json").get_json()
    assert doc["next_url"] == f"{BASE}/feeds/articles/archive/1.json"
    archive = client.get("/feeds/articles/archive/1.json").get_json()
    assert archive["expired"] is True and len(archive["items"]) == 5


def test_conditional_get(client: FlaskClient) -> None:
    first = client.get("/feeds/articles.atom")
    etag, lm = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and not etag.startswith("W/")
    hit = client.get("/feeds/articles.atom", headers={"If-None-Match": etag})
    assert hit.status_code == 304 and hit.data == b""
    for header in ("ETag", "Cache-Control", "Vary", "Last-Modified"):
        assert hit.headers[header] == first.headers[header]
    # If-None-Match wins over an If-Modified-Since that alone would give 304.
    later = format_datetime(datetime(2100, 1, 1, tzinfo=UTC), usegmt=True)
    assert (
        client.get(
            "/feeds/articles.atom", headers={"If-None-Match": '"other"', "If-Modified-Since": later}
        ).status_code
        == 200
    )
    # Not newer than: equal and later dates are 304, an earlier one is 200.
    assert client.get("/feeds/articles.atom", headers={"If-Modified-Since": lm}).status_code == 304
    assert (
        client.get("/feeds/articles.atom", headers={"If-Modified-Since": later}).status_code == 304
    )
    earlier = format_datetime(parsedate_to_datetime(lm).replace(year=2000), usegmt=True)
    assert (
        client.get("/feeds/articles.atom", headers={"If-Modified-Since": earlier}).status_code
        == 200
    )


def test_last_modified_is_the_newest_entry_update(client: FlaskClient) -> None:
    resp = client.get("/feeds/articles.json")
    newest = max(datetime.fromisoformat(i["date_modified"]) for i in resp.get_json()["items"])
    assert parsedate_to_datetime(resp.headers["Last-Modified"]) == newest.replace(microsecond=0)


def test_validators_change_with_the_bytes_and_only_then(
    client, small_settings: Settings, feed_app: Flask
) -> None:
    before = client.get("/feeds/articles.atom")
    ingest(small_settings, page("Alpha", 3) + b"\n", source="wire")  # same articles: no change
    forget_all(feed_app)
    same = client.get("/feeds/articles.atom")
    assert (same.data, same.headers["ETag"], same.headers["Last-Modified"]) == (
        before.data,
        before.headers["ETag"],
        before.headers["Last-Modified"],
    )
    ingest(small_settings, page("Alpha", 3, extra="A correction was added."), source="wire")
    forget_all(feed_app)
    after = client.get("/feeds/articles.atom")
    assert after.data != before.data
    assert after.headers["ETag"] != before.headers["ETag"]
    assert parsedate_to_datetime(after.headers["Last-Modified"]) > parsedate_to_datetime(
        before.headers["Last-Modified"]
    )
    parsed = feedparser.parse(after.data)
    assert len(parsed.entries) == 3  # updated in place, same GUIDs
    assert {e.id for e in parsed.entries} == {e.id for e in feedparser.parse(before.data).entries}


def test_gzip_when_accepted(client: FlaskClient) -> None:
    plain = client.get("/feeds/articles.rss")
    zipped = client.get("/feeds/articles.rss", headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert zipped.headers["ETag"] != plain.headers["ETag"]  # one strong tag per representation
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert (
        client.get(
            "/feeds/articles.rss",
            headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]},
        ).status_code
        == 304
    )


def test_gzip_refused_with_q_0_is_not_sent(client: FlaskClient) -> None:
    plain = client.get("/feeds/articles.rss")
    for header in ("gzip;q=0", "br, gzip; q=0.000", "*;q=0", "*, gzip;q=0", "identity"):
        resp = client.get("/feeds/articles.rss", headers={"Accept-Encoding": header})
        assert "Content-Encoding" not in resp.headers, header
        assert resp.data == plain.data and resp.headers["ETag"] == plain.headers["ETag"]
    resp = client.get("/feeds/articles.rss", headers={"Accept-Encoding": "br;q=1, *;q=0.1"})
    assert resp.headers["Content-Encoding"] == "gzip"


@pytest.mark.parametrize(
    ("header", "gzip_ok"),
    [
        (None, False),
        ("", False),
        ("gzip", True),
        ("GZIP", True),
        ("x-gzip", True),
        ("gzip, deflate, br", True),
        ("gzip;q=0.5", True),
        ("gzip ; Q=1", True),
        ("gzip;q=0", False),
        ("gzip;q=0.0", False),
        ("gzip;q=2", False),
        ("gzip;q=soon", False),
        ("deflate, br", False),
        ("*", True),
        ("*;q=0", False),
        ("*, gzip;q=0", False),  # the named coding's q-value wins over *
        ("gzip;q=0, *", False),
        ("identity;q=1, *;q=0", False),
        ("br, *;q=0.1", True),
        ("gzipped", False),
    ],
)
def test_accept_encoding_parse(header: str | None, gzip_ok: bool) -> None:
    assert accepts_gzip(header) is gzip_ok


def test_a_browser_gets_a_readable_page(client: FlaskClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    resp = client.get("/feeds/articles.atom", headers={"Accept": browser})
    assert resp.mimetype == "text/html"
    text = resp.get_data(as_text=True)
    assert "Alpha Story Number 0 From Almaty" in text and "copy its address" in text
    reader = "application/atom+xml,application/rss+xml;q=0.9,*/*;q=0.1"
    assert (
        client.get("/feeds/articles.atom", headers={"Accept": reader}).mimetype
        == "application/atom+xml"
    )
    assert (
        client.get("/feeds/articles.atom", headers={"Accept": "*/*"}).mimetype
        == "application/atom+xml"
    )


def test_index_lists_every_feed_with_autodiscovery(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    for fmt, media in (
        ("atom", "application/atom+xml"),
        ("rss", "application/rss+xml"),
        ("json", "application/feed+json"),
    ):
        assert f'<link rel="alternate" type="{media}"' in html
        assert f'href="{BASE}/feeds/articles.{fmt}"' in html
    for path in (
        "/feeds/tags/kazakhstan.rss",
        "/feeds/sources/wire.json",
        "/feeds/rates.atom",
        "/feeds/rates/KGS-USD.atom",
    ):
        assert f"{BASE}{path}" in html
    assert "Alpha Story Number 2 From Almaty" in html


def test_opml_lists_every_feed(client: FlaskClient) -> None:
    resp = client.get("/opml")
    root = etree.fromstring(resp.data)
    assert root.tag == "opml" and root.get("version") == "2.0"
    urls = {o.get("xmlUrl") for o in root.iter("outline")}
    assert f"{BASE}/feeds/articles.atom" in urls and f"{BASE}/feeds/tags/kazakhstan.atom" in urls
    assert all(o.get("type") == "rss" and o.get("text") for o in root.iter("outline"))


def test_feed_service_answers_head(client: FlaskClient) -> None:
    resp = client.head("/feeds/articles.atom")
    assert resp.status_code == 200 and resp.data == b"" and resp.headers["ETag"]


def test_json_feed_is_json(client: FlaskClient) -> None:
    doc = json.loads(client.get("/feeds/articles.json").data)
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert doc["feed_url"] == f"{BASE}/feeds/articles.json"
