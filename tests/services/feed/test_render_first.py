"""The formats readers asked for render first: a feed holding some of them commits
and announces those, then renders its other formats. Every format is rendered on
every change, to the same bytes a render of all three at once stores; a feed no
reader asked for, or asked for in every format, renders in one commit as before."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import redis
from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from services.feed import publish
from services.feed.asked import AskedNotes, asked_key
from services.feed.coalesce import RenderCoalescer
from services.feed.paths import feed_key
from services.feed.render import FORMATS
from shared.changes import ChangedDocument
from shared.db import utcnow
from shared.feed_names import FeedSpec
from shared.models import RenderedFeed
from shared.settings import Settings
from tests.support.content import ingest, page

ARTICLES = FeedSpec.articles()
KEYS = {fmt: feed_key(ARTICLES, fmt) for fmt in FORMATS}


def stored(session: Session) -> dict[str, tuple[bytes, str, datetime]]:
    session.expire_all()
    rows = session.execute(
        select(RenderedFeed.key, RenderedFeed.body, RenderedFeed.etag, RenderedFeed.as_of).where(
            RenderedFeed.key.in_(list(KEYS.values()))
        )
    )
    session.commit()
    return {key: (body, etag, as_of) for key, body, etag, as_of in rows}


def test_split_formats_puts_the_asked_ones_first() -> None:
    assert publish.split_formats(ARTICLES, ()) == [FORMATS]
    assert publish.split_formats(ARTICLES, {"articles.json", "tag:x.atom"}) == [
        ("json",),
        ("atom", "rss"),
    ]
    assert publish.split_formats(ARTICLES, set(KEYS.values())) == [FORMATS]


def a_page_after_the_render(settings: Settings, session: Session) -> None:
    """The articles feed rendered and stored, then a page that changes it, not rendered."""
    ingest(settings, page("First", 2), render=False)
    publish.render_and_store(session, settings, ARTICLES)
    ingest(settings, page("Second", 1), render=False)


def test_asked_documents_are_committed_and_announced_before_the_others_render(
    settings: Settings, session: Session
) -> None:
    a_page_after_the_render(settings, session)
    commits: list[str] = []
    told: list[tuple[list[str], int, dict[str, tuple[bytes, str, datetime]]]] = []

    def on_commit(_: object) -> None:
        commits.append("commit")

    def early(changed: list[str]) -> None:
        # Told once the asked document is committed, before the others render.
        committed = len(commits)
        with Session(session.get_bind()) as other:
            told.append((changed, committed, stored(other)))

    engine = session.get_bind()
    event.listen(engine, "commit", on_commit)
    try:
        result = publish.refresh(
            session, settings, ["articles"], utcnow(), first={"articles.json"}, early=early
        )
    finally:
        event.remove(engine, "commit", on_commit)

    assert result.rendered == ["articles"]
    assert sorted(result.changed) == sorted(KEYS.values())
    [(changed, committed, then)] = told
    assert changed == ["articles.json"]
    assert b"Second" in then["articles.json"][0]
    assert b"Second" not in then["articles.atom"][0] and b"Second" not in then["articles.rss"][0]
    # One commit before it was told, one after (and the look above made one of its own).
    assert committed == 1 and len(commits) == 3
    # The same bytes as one render of every format.
    now = stored(session)
    assert all(b"Second" in now[key][0] for key in KEYS.values())
    assert publish.render_and_store(session, settings, ARTICLES) == []


def test_a_feed_is_coalesced_only_when_every_format_read_the_change(
    settings: Settings, session: Session
) -> None:
    ingest(settings, page("Early", 1), render=False)
    publish.render_and_store(session, settings, ARTICLES)
    requested = utcnow()
    ingest(settings, page("Late", 1), render=False)

    def fails(changed: list[str]) -> None:
        raise RuntimeError("stopped between the two commits")

    # Only the JSON Feed document was stored after the request; the others failed.
    with pytest.raises(RuntimeError):
        publish.refresh(
            session, settings, ["articles"], requested, first={"articles.json"}, early=fails
        )
    result = publish.refresh(session, settings, ["articles"], requested)
    assert sorted(result.changed) == sorted([KEYS["atom"], KEYS["rss"]])
    assert all(b"Late" in body for body, _, _ in stored(session).values())
    # Every format has now read the change: a refresh for it again renders nothing.
    assert publish.refresh(session, settings, ["articles"], requested).rendered == []


def asked(client: redis.Redis, prefix: str) -> set[bytes]:
    return set(client.zrange(asked_key(prefix), 0, -1))


def test_the_claim_reads_which_documents_readers_asked_for(
    prefixed_redis: tuple[redis.Redis, str],
) -> None:
    redis_client, prefix = prefixed_redis
    notes = AskedNotes(redis_client, prefix)
    notes.note("articles.json")
    notes.note("articles.json")  # once per period
    notes.note("tag:china.rss")
    assert asked(redis_client, prefix) == {b"articles.json", b"tag:china.rss"}

    co = RenderCoalescer(redis_client, prefix, lock_ms=1000)
    seen: list[frozenset[str]] = []
    co.drain(lambda name, stamp: seen.append(co.asked), mark=(["articles"], datetime.now(UTC)))
    assert seen == [frozenset({"articles.json", "tag:china.rss"})]


def test_a_note_that_could_not_reach_redis_is_made_again(
    prefixed_redis: tuple[redis.Redis, str],
) -> None:
    redis_client, prefix = prefixed_redis
    down = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    notes = AskedNotes(down, prefix)
    notes.note("articles.json")  # logged, not raised
    notes._client = redis_client
    notes.note("articles.json")  # no reader waits on Redis again for a while
    assert asked(redis_client, prefix) == set()
    notes._quiet_until = 0.0  # that while is over
    notes.note("articles.json")
    assert asked(redis_client, prefix) == {b"articles.json"}


def test_the_feed_service_notes_the_subscription_documents_it_serves(
    feed_app: Flask, small_settings: Settings
) -> None:
    redis_client = redis.Redis.from_url(small_settings.redis_url)
    key = asked_key(small_settings.key_prefix)
    redis_client.delete(key)  # what other tests' requests noted
    ingest(small_settings, page("Noted", 2), source="wire")
    http = feed_app.test_client()
    for path in ("/feeds/articles.json", "/feeds/sources/wire.atom", "/feeds/articles.json"):
        assert http.get(path).status_code == 200
    assert http.get("/feeds/articles.rss?limit=2").status_code == 200  # not a subscription
    try:
        noted = set(redis_client.zrange(key, 0, -1))
    finally:
        redis_client.delete(key)
        redis_client.close()
    assert noted == {b"articles.json", b"source:wire.atom"}


def test_the_bytes_each_commit_stored_are_handed_back_for_the_announcement(
    settings: Settings, session: Session
) -> None:
    a_page_after_the_render(settings, session)
    handed: list[list[str]] = []
    written: list[ChangedDocument] = []

    def early(changed: list[str]) -> None:
        handed.append([doc.key for doc in written])

    result = publish.refresh(
        session,
        settings,
        ["articles"],
        utcnow(),
        first={"articles.json"},
        early=early,
        written=written,
    )
    assert handed == [["articles.json"]]  # the first commit's, before the others rendered
    assert sorted(doc.key for doc in written) == sorted(result.changed)
    session.expire_all()
    for doc in written:
        row = session.get(RenderedFeed, doc.key)
        assert row is not None
        stored_as = (row.content_type, row.body, row.etag, row.last_modified, row.rendered_at)
        assert stored_as == (
            doc.content_type,
            doc.body,
            doc.etag,
            doc.last_modified,
            doc.rendered_at,
        )
        assert row.as_of == doc.as_of
