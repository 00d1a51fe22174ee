from __future__ import annotations

import json

from feed_render_checks import check_json_schema, feed_problems
from feed_render_factories import BASE, T0, make_entry, make_meta, self_url

from services.feed.render import content_html, render_feed


def render(meta=None, entries=()) -> dict:
    meta = meta or make_meta("json")
    data = render_feed("json", meta, list(entries))
    assert feed_problems("json", data, meta.self_url) == []
    return json.loads(data)


def test_whole_document() -> None:
    entry = make_entry(7, paragraphs=("One < two.",), tags=("Economy", "KGS"))
    assert render(entries=[entry, make_entry(8, authors=(), tags=())]) == {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Silk Road News",
        "home_page_url": f"{BASE}/",
        "feed_url": self_url("json"),
        "description": "Articles from Central Asia",
        "language": "en",
        "items": [
            {
                "id": entry.guid,
                "url": f"{BASE}/articles/7",
                "title": entry.title,
                "content_html": "<p>One &lt; two.</p>",
                "summary": entry.summary,
                "date_published": "2025-12-15T08:37:00+00:00",
                "date_modified": "2025-12-15T08:37:30+00:00",
                "tags": ["Economy", "KGS"],
                "authors": [{"name": "Aida Bekova"}],
            },
            {
                "id": make_entry(8).guid,
                "url": f"{BASE}/articles/8",
                "title": make_entry(8).title,
                "content_html": content_html(make_entry(8).paragraphs),
                "summary": make_entry(8).summary,
                "date_published": "2025-12-15T08:38:00+00:00",
                "date_modified": "2025-12-15T08:38:30+00:00",
            },
        ],
    }


def test_archive_paging() -> None:
    meta = make_meta(
        "json",
        prev_archive_url=f"{BASE}/feeds/articles/2025-10.json",
        next_archive_url=f"{BASE}/feeds/articles/2025-12.json",
        is_archive=True,
    )
    doc = render(meta, [make_entry(1)])
    # JSON Feed pages towards older items only.
    assert doc["next_url"] == f"{BASE}/feeds/articles/2025-10.json"
    assert doc["expired"] is True


def test_live_feed_has_no_paging_keys() -> None:
    doc = render(make_meta("json"), [make_entry(1)])
    assert "next_url" not in doc and "expired" not in doc


def test_empty_feed() -> None:
    doc = render(make_meta("json", updated=T0, subtitle=""), [])
    assert doc["items"] == []
    assert "description" not in doc


def test_bytes_are_compact_utf8_not_ascii_escapes() -> None:
    data = render_feed("json", make_meta("json"), [make_entry(1, title="Бишкек 😀")])
    assert "Бишкек 😀".encode() in data
    assert b"\\u" not in data


def test_schema_rejects_what_the_spec_forbids() -> None:
    good = render(entries=[make_entry(1)])
    assert check_json_schema(good) == []

    def broken(change) -> dict:
        doc = json.loads(json.dumps(good))
        change(doc)
        return doc

    cases = [
        lambda d: d.pop("version"),
        lambda d: d.update(version="https://jsonfeed.org/version/1"),
        lambda d: d.pop("title"),
        lambda d: d.pop("items"),
        lambda d: d["items"][0].pop("id"),
        lambda d: d["items"][0].update(id=1),
        lambda d: d["items"][0].pop("content_html"),
        lambda d: d["items"][0].update(date_published="2025-12-15 08:37:00"),
        lambda d: d["items"][0].update(date_modified="2025-12-15T08:37:00"),
        lambda d: d["items"][0].update(date_modified="2025-13-45T08:37:00Z"),
        lambda d: d["items"][0].update(url="/articles/1"),
        lambda d: d.update(feed_url="not a url"),
        lambda d: d["items"][0].update(tags="Economy"),
        lambda d: d["items"][0].update(authors=[{}]),
        lambda d: d.update(expired="yes"),
        lambda d: d.update(home_page=f"{BASE}/"),  # misspelt key
    ]
    for case in cases:
        assert check_json_schema(broken(case)) != [], case
    assert check_json_schema(broken(lambda d: d.update(_silkfeed={"x": 1}))) == []
