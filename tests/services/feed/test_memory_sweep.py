"""The web process's copy of stored feeds and the sweep that makes up for lost
announcements: a render is acted on once, a copy loaded after it is kept, and a
load is dropped only when its own feed changed while it ran."""

from __future__ import annotations

import gzip
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from services.feed.memory import FeedMemory, _announced
from services.feed.serving import StoredFeed
from shared.changes import ChangedDocument
from shared.models import RenderedFeed
from shared.settings import Settings
from shared.wal_checkpoint import is_file_sqlite
from tests.support.content import ingest, page


def memory_of(app: Flask) -> FeedMemory:
    return app.extensions["silkfeed"]["memory"]  # type: ignore[no-any-return]


def held_keys(memory: FeedMemory) -> set[str]:
    return set(memory._entries)


@pytest.fixture
def client_with_article(feed_app: Flask, small_settings: Settings) -> FlaskClient:
    ingest(small_settings, page("Alpha", 1), source="wire")
    return feed_app.test_client()


@pytest.fixture
def two_articles(feed_app: Flask, small_settings: Settings) -> tuple[FlaskClient, FeedMemory]:
    """Two articles from source "wire" stored and rendered: the app's client and its memory."""
    ingest(small_settings, page("Alpha", 2), source="wire")
    return feed_app.test_client(), memory_of(feed_app)


def test_a_render_not_announced_is_dropped_at_the_next_sweep_and_only_then(
    two_articles: tuple[FlaskClient, FeedMemory], small_settings: Settings
) -> None:
    client, memory = two_articles
    memory._sweep()  # the first look: the render above is older than this process's copy
    first = client.get("/feeds/articles.json")
    memory._sweep()
    assert "articles.json" in held_keys(memory)  # loaded after its render: kept

    ingest(small_settings, page("Beta", 2), source="wire")  # rendered, never announced
    memory._sweep()
    assert "articles.json" not in held_keys(memory)
    second = client.get("/feeds/articles.json")
    assert second.headers["ETag"] != first.headers["ETag"]
    assert "Beta Story Number 1 From Almaty" in {i["title"] for i in second.get_json()["items"]}

    # Later sweeps still see that render (their windows overlap) and keep the
    # copy loaded after it.
    memory._sweep()
    memory._sweep()
    assert "articles.json" in held_keys(memory)


def test_a_filtered_document_goes_with_a_render_of_its_feed(
    two_articles: tuple[FlaskClient, FeedMemory], small_settings: Settings
) -> None:
    client, memory = two_articles
    memory._sweep()
    assert client.get("/feeds/articles.json?q=alpha").status_code == 200
    assert "articles.json?q=alpha" in held_keys(memory)
    ingest(small_settings, page("Alpha Beta", 2), source="wire")
    memory._sweep()
    assert "articles.json?q=alpha" not in held_keys(memory)
    items = client.get("/feeds/articles.json?q=alpha").get_json()["items"]
    assert "Alpha Beta Story Number 0 From Almaty" in {i["title"] for i in items}
    memory._sweep()  # the same render again: the new copy stays
    assert "articles.json?q=alpha" in held_keys(memory)


def test_a_load_is_dropped_only_when_its_own_feed_changed_meanwhile(
    two_articles: tuple[FlaskClient, FeedMemory], small_settings: Settings
) -> None:
    client, memory = two_articles
    loaded = client.get("/feeds/articles.atom")
    assert loaded.status_code == 200
    feed = memory.get("articles.atom")
    assert feed is not None

    memory.forget(["articles.atom"])
    generation = memory.generation  # a load starts…
    memory.forget(["tag:kazakhstan.atom", "rates.json"])  # …other feeds change…
    memory.put(feed, generation)  # …and it ends: kept
    assert memory.get("articles.atom") is feed

    memory.forget(["articles.atom"])
    generation = memory.generation
    memory.forget(["articles.rss"])  # its own feed changed while it loaded
    memory.put(feed, generation)
    assert memory.get("articles.atom") is None


def test_gzip_bytes_are_made_for_the_first_reader_that_accepts_them(
    client_with_article: FlaskClient, feed_app: Flask
) -> None:
    plain = client_with_article.get("/feeds/articles.rss")
    feed = memory_of(feed_app).get("articles.rss")
    assert feed is not None and not feed._gzip
    zipped = client_with_article.get("/feeds/articles.rss", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert feed._gzip == [zipped.data]


def test_a_tagged_copy_is_not_dropped_by_a_sweep_of_renders_it_postdates(
    client_with_article: FlaskClient, feed_app: Flask
) -> None:
    memory = memory_of(feed_app)
    memory._sweep()
    client_with_article.get("/feeds/tags/kazakhstan.atom")
    for _ in range(3):
        memory._sweep()
    assert "tag:kazakhstan.atom" in held_keys(memory)


def test_a_load_under_way_when_a_sweep_sees_a_new_render_is_not_kept(
    two_articles: tuple[FlaskClient, FeedMemory], small_settings: Settings
) -> None:
    client, memory = two_articles
    client.get("/feeds/articles.json")
    old = memory.get("articles.json")
    assert old is not None
    memory.forget(["articles.json"])
    memory._sweep()
    generation = memory.generation  # a load starts and reads the row…
    ingest(small_settings, page("Beta", 2), source="wire")  # …a render, never announced…
    memory._sweep()  # …which the sweep sees…
    memory.put(old, generation)  # …before the load ends
    assert memory.get("articles.json") is None


def test_an_announced_document_a_reader_was_served_is_loaded_again_at_once(
    two_articles: tuple[FlaskClient, FeedMemory], small_settings: Settings
) -> None:
    client, memory = two_articles
    first = client.get("/feeds/articles.json")  # loaded from the table
    client.get("/feeds/articles.atom")
    assert client.get("/feeds/articles.json").status_code == 200  # served from memory
    held = memory.get("articles.json")

    ingest(small_settings, page("Beta", 2), source="wire")
    assert memory.refresh(["articles.atom", "articles.rss", "articles.json"]) == 1
    fresh = memory.get("articles.json")
    assert fresh is not None and held is not None
    assert fresh.etag != first.headers["ETag"]
    assert (fresh.link, fresh.cache_control) == (held.link, held.cache_control)
    assert "articles.atom" not in held_keys(memory)  # loaded, never served again: dropped
    second = client.get("/feeds/articles.json")
    assert second.headers["ETag"] == fresh.etag
    assert "Beta Story Number 1 From Almaty" in {i["title"] for i in second.get_json()["items"]}

    # The fresh copy was served once: the next announcement loads it again,
    # but a copy put meanwhile by a load that began before it is refused.
    generation = memory.generation
    memory.refresh(["articles.json"])
    memory.put(held, generation)
    assert memory.get("articles.json") is not held


def carried_of(session: Session, key: str) -> ChangedDocument:
    """The stored row of ``key`` as a render announces it."""
    row = session.get(RenderedFeed, key)
    assert row is not None
    return ChangedDocument(
        key, row.content_type, row.body, row.etag, row.last_modified, row.rendered_at, row.as_of
    )


def test_an_announced_document_carrying_its_bytes_is_put_without_a_read(
    two_articles: tuple[FlaskClient, FeedMemory], small_settings: Settings, session: Session
) -> None:
    client, memory = two_articles
    client.get("/feeds/articles.json")
    assert client.get("/feeds/articles.json").status_code == 200  # served from memory
    held = memory.get("articles.json")
    ingest(small_settings, page("Beta", 2), source="wire")
    doc = carried_of(session, "articles.json")

    def no_reads() -> Session:
        raise AssertionError("the database was read")

    sessions = memory._sessions
    memory._sessions = no_reads  # type: ignore[assignment]
    assert memory.refresh(["articles.atom", "articles.json"], [doc]) == 1
    fresh = memory.get("articles.json")
    assert fresh is not None and held is not None
    assert (fresh.body, fresh.etag, fresh.last_modified) == (doc.body, doc.etag, doc.last_modified)
    assert (fresh.rendered_at, fresh.as_of) == (doc.rendered_at, doc.as_of)
    assert (fresh.link, fresh.cache_control) == (held.link, held.cache_control)
    memory._sessions = sessions
    memory._sweep()
    memory._sweep()
    assert memory.get("articles.json") is fresh  # as current as the table: kept


def test_a_carried_document_older_than_the_copy_held_leaves_the_copy_held(
    two_articles: tuple[FlaskClient, FeedMemory], small_settings: Settings, session: Session
) -> None:
    client, memory = two_articles
    ingest(small_settings, page("Beta", 2), source="wire")
    older = carried_of(session, "articles.json")
    session.rollback()
    ingest(small_settings, page("Gamma", 2), source="wire")
    client.get("/feeds/articles.json")  # the newest render, from the table
    client.get("/feeds/articles.json")
    newest = memory.get("articles.json")
    assert newest is not None and newest.as_of is not None and newest.as_of > older.as_of

    # Two renderers' announcements crossed: the older bytes arrive last. The
    # copy held is as new as the table already: kept, nothing read again.
    assert memory.refresh(["articles.json"], [older]) == 0
    assert memory.get("articles.json") is newest


def test_a_copy_older_than_the_one_held_is_not_put_over_it(
    two_articles: tuple[FlaskClient, FeedMemory],
) -> None:
    # A watcher's put can come after a request put a newer copy (it loaded the
    # table after the render the watcher's announcement predates).
    client, memory = two_articles
    client.get("/feeds/articles.json")
    held = memory.get("articles.json")
    assert held is not None and held.as_of is not None
    older = StoredFeed.build(
        held.key, held.content_type, b"older", "W/older", held.last_modified,
        held.cache_control, held.link, held.rendered_at, held.as_of - timedelta(seconds=1),
    )
    memory.put(older, memory.generation)
    kept = memory.get("articles.json")
    assert kept is not None and kept.body == held.body


@pytest.mark.parametrize(
    "data",
    [b'{"keys": [], "documents": [{"length": Infinity}]}\n', b"[" * 100_000, b"\xff\xfe"],
)
def test_any_malformed_announcement_is_ignored_not_raised(data: bytes) -> None:
    assert _announced(data) == ([], [])


def test_a_sweep_reads_the_database_only_after_a_commit(
    two_articles: tuple[FlaskClient, FeedMemory], feed_app: Flask, small_settings: Settings
) -> None:
    """On SQLite a sweep with nothing committed since the last one is a look at the
    file's version, not a transaction; any other database is read every time."""
    _, memory = two_articles
    engine = feed_app.extensions["silkfeed"]["engine"]
    statements: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _count(conn, cursor, statement, *_: object) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    try:
        memory._sweep()
        read = len(statements)
        assert read > 0
        memory._sweep()
        skipped = is_file_sqlite(engine.url)
        assert len(statements) == (read if skipped else 2 * read)
        ingest(small_settings, page("Gamma", 1), source="wire")
        statements.clear()
        memory._sweep()
        assert len(statements) == read
    finally:
        event.remove(engine, "before_cursor_execute", _count)


def test_a_sweep_that_failed_is_made_again_without_a_new_commit(
    two_articles: tuple[FlaskClient, FeedMemory], small_settings: Settings
) -> None:
    """A render committed, then a sweep that could not read the database: the next
    sweep reads it, though nothing was committed in between."""
    client, memory = two_articles
    memory._sweep()
    client.get("/feeds/articles.json")
    ingest(small_settings, page("Beta", 2), source="wire")  # rendered, never announced
    sessions = memory._sessions

    def unreachable() -> Session:
        raise RuntimeError("database away")

    memory._sessions = unreachable  # type: ignore[assignment]
    try:
        memory._sweep()
    finally:
        memory._sessions = sessions
    assert "articles.json" in held_keys(memory)
    memory._sweep()
    assert "articles.json" not in held_keys(memory)
