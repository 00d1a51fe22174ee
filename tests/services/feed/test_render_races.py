"""Two processes rendering one feed at once: a request rendering a cold feed and the
feed worker both find no stored document and both insert it. The second writer
stores over the first (no error, so no failure backoff), and a render that does
fail leaves the worker's session clean for the feeds after it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.feed import publish
from services.feed.paths import archive_key, feed_key
from services.feed.render import FORMATS
from shared.changes import ChangedDocument
from shared.db import utcnow
from shared.feed_names import FeedSpec
from shared.models import RenderedFeed
from shared.settings import Settings
from tests.support.content import ingest, page

ARTICLES = FeedSpec.parse("articles")


def stored_rows(session: Session, keys: list[str]) -> dict[str, tuple[str, datetime, bytes]]:
    """Each key's etag, Last-Modified and bytes, as committed (no object kept in the session)."""
    session.expire_all()
    rows = session.execute(
        select(RenderedFeed.key, RenderedFeed.etag, RenderedFeed.last_modified, RenderedFeed.body)
        .where(RenderedFeed.key.in_(keys))
    )
    session.commit()
    return {key: (etag, modified, body) for key, etag, modified, body in rows}


def test_a_render_that_finds_its_feed_stored_meanwhile_stores_over_it(
    settings: Settings, session: Session
) -> None:
    ingest(settings, page("Race", 2), render=False)
    keys = [feed_key(ARTICLES, fmt) for fmt in FORMATS]
    # The other process's render commits first...
    assert sorted(publish.render_and_store(session, settings, ARTICLES) or []) == sorted(keys)
    first = stored_rows(session, keys)
    # ...while this one had read "nothing stored" before it did.
    ingest(settings, page("Later", 1), render=False)
    changed = publish.render_and_store(session, settings, ARTICLES, stored={})
    assert sorted(changed or []) == sorted(keys)
    now = stored_rows(session, keys)
    assert all(now[key][0] != first[key][0] and b"Later" in now[key][2] for key in keys)
    # The bytes changed, so the validators did: a newer Last-Modified than the first's.
    assert all(now[key][1] > first[key][1] for key in keys)

    # The same bytes stored first: nothing changed, nothing raised.
    assert publish.render_and_store(session, settings, ARTICLES, stored={}) == []


def test_a_render_that_read_before_the_stored_one_leaves_it(
    settings: Settings, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(settings, page("Race", 2), render=False)
    keys = [feed_key(ARTICLES, fmt) for fmt in FORMATS]
    publish.render_and_store(session, settings, ARTICLES)
    first = stored_rows(session, keys)
    # This render read the database a minute before the stored one did.
    earlier = utcnow() - timedelta(minutes=1)
    monkeypatch.setattr(publish, "utcnow", lambda: earlier)
    ingest(settings, page("Stale", 1), render=False)
    assert publish.render_and_store(session, settings, ARTICLES, stored={}) == []
    assert stored_rows(session, keys) == first


def test_an_archive_page_stored_meanwhile_is_kept(
    small_settings: Settings, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(small_settings, page("Archive", 12), render=False)
    pages = publish.full_archive_pages(session, small_settings, ARTICLES)
    assert pages >= 1
    publish.store_archive(session, small_settings, ARTICLES, 1, pages)
    key = archive_key(ARTICLES, 1, FORMATS[0])
    before = stored_rows(session, [key])[key]
    # A second process that read "not stored" before the first committed.
    monkeypatch.setattr(publish, "stored_documents", lambda _session, _keys: {})
    publish.store_archive(session, small_settings, ARTICLES, 1, pages)
    assert stored_rows(session, [key])[key] == before


def test_a_failed_render_leaves_the_session_clean_for_the_next_feed(
    settings: Settings, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(settings, page("Clean", 2), render=False)
    # Read once each: only stored documents are kept current.
    for spec in (ARTICLES, FeedSpec.parse("rates"), FeedSpec.parse("source:test")):
        publish.render_and_store(session, settings, spec)
    real = publish.render_and_store

    def failing(session: Session, settings: Settings, spec: FeedSpec, **kw: object) -> object:
        if spec.name == "articles":
            # A write that fails at the database: the transaction is unusable
            # until rolled back (PostgreSQL aborts it, SQLAlchemy requires it).
            session.add(RenderedFeed(
                key=feed_key(ARTICLES, "atom"), content_type="x", body=b"", etag="x",
                last_modified=utcnow(), as_of=utcnow(), rendered_at=utcnow(),
            ))
            session.flush()
        return real(session, settings, spec, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(publish, "render_and_store", failing)
    requested = utcnow() + timedelta(seconds=1)
    with pytest.raises(IntegrityError):
        publish.refresh(session, settings, ["articles"], requested)
    result = publish.refresh(session, settings, ["rates", "source:test"], requested)
    assert result.rendered == ["rates", "source:test"]


def test_a_render_that_read_earlier_never_stores_over_a_later_one(
    settings: Settings, session: Session
) -> None:
    ingest(settings, page("Earlier", 1), render=False)
    key = feed_key(ARTICLES, "json")
    publish.render_and_store(session, settings, ARTICLES, formats=("json",))
    early = publish.stored_documents(session, [key])
    session.commit()
    ingest(settings, page("Later", 1), render=False)
    publish.render_and_store(session, settings, ARTICLES, formats=("json",))
    later = stored_rows(session, [key])
    # A writer that read before the last render, storing other bytes, writes nothing.
    stale = {key: ("json", b'{"stale": true}')}
    written: list[ChangedDocument] = []
    publish.store_documents(session, stale, utcnow(), early[key].as_of, early, written)
    session.commit()
    assert stored_rows(session, [key]) == later
    assert written == []  # nothing to announce: the bytes were never stored
