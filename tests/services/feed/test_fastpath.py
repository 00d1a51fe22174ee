"""The fast path's keys: a path polled without a query is parsed once, and what it
answers follows the held documents as before."""

from __future__ import annotations

import pytest
from flask import Flask

from services.feed import fastpath
from services.feed.fastpath import FastPath
from shared.settings import Settings
from tests.services.feed.conftest import forget_all
from tests.support.content import ingest, page


def fast_path_of(app: Flask) -> FastPath:
    return app.wsgi_app.app  # type: ignore[attr-defined,no-any-return]


def test_a_kept_key_serves_each_new_render_with_its_own_validators(
    feed_app: Flask, small_settings: Settings
) -> None:
    ingest(small_settings, page("Alpha", 2), source="wire")
    client = feed_app.test_client()
    first = client.get("/feeds/articles.json")
    again = client.get("/feeds/articles.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert fast_path_of(feed_app)._keys == {"/feeds/articles.json": "articles.json"}

    ingest(small_settings, page("Beta", 1), source="wire")
    forget_all(feed_app)  # what the announcement does
    client.get("/feeds/articles.json")  # loaded again through Flask
    changed = client.get("/feeds/articles.json", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert "Beta Story Number 0 From Almaty" in {i["title"] for i in changed.get_json()["items"]}


def test_keys_kept_are_bounded_and_queries_and_unknown_paths_are_not_kept(
    feed_app: Flask, small_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(small_settings, page("Alpha", 2), source="wire")
    monkeypatch.setattr(fastpath, "MAX_KEPT_KEYS", 2)
    client = feed_app.test_client()
    for fmt in ("json", "atom", "rss"):
        assert client.get(f"/feeds/articles.{fmt}").status_code == 200
        assert client.get(f"/feeds/articles.{fmt}").status_code == 200
    client.get("/feeds/articles.json?limit=2")
    client.get("/feeds/nothing-here.json")
    assert fast_path_of(feed_app)._keys == {
        "/feeds/articles.json": "articles.json",
        "/feeds/articles.atom": "articles.atom",
    }
    # Past the bound, a path is still answered, its key worked out each time.
    assert client.get("/feeds/articles.rss").headers["Content-Type"].startswith(
        "application/rss+xml"
    )
