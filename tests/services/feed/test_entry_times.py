"""An article's modified time, as its page states it, is the time feeds say it changed:
Atom ``<updated>``, JSON Feed ``date_modified``; never before it was published."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import feedparser
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.feed import publish
from shared.feed_names import FeedSpec
from shared.models import Article, Submission
from shared.settings import Settings
from tests.conftest import FIXTURES
from tests.support.content import ingest, page

PUBLISHED = "2026-03-03T08:00:00+00:00"


COTTON = "Uzbekistan has lifted the last state quotas on cotton."


def json_page(modified: str | None, published: str = PUBLISHED, text: str = COTTON) -> bytes:
    article: dict[str, object] = {
        "title": "Uzbekistan lifts cotton quotas",
        "paragraphs": [text],
        "url": "https://example.uz/cotton",
        "published": published,
    }
    if modified is not None:
        article["modified"] = modified
    return json.dumps({"page_date": "2026-03-03", "articles": [article]}).encode()


def documents(session: Session, settings: Settings) -> dict[str, bytes]:
    session.expire_all()
    return publish.build_current(session, settings, FeedSpec.articles())[0]


def shown(docs: dict[str, bytes]) -> tuple[datetime, datetime]:
    """The only entry's update time as Atom and JSON Feed state it, read back by feedparser."""
    atom = feedparser.parse(docs["atom"])
    json_feed = json.loads(docs["json"])
    assert not atom.bozo and len(atom.entries) == 1
    atom_time = datetime(*atom.entries[0].updated_parsed[:6], tzinfo=UTC)
    return atom_time, datetime.fromisoformat(json_feed["items"][0]["date_modified"])


def test_a_json_pages_modified_time_is_shown_and_follows_its_edits(
    settings: Settings, session: Session
) -> None:
    ingest(settings, json_page("2026-03-03T15:15:00+05:00"), media_type="application/json")
    first = documents(session, settings)
    assert shown(first) == (datetime(2026, 3, 3, 10, 15, tzinfo=UTC),) * 2
    assert b"<updated>2026-03-03T10:15:00+00:00</updated>" in first["atom"]
    # The publisher corrects the article later: only its modified time changes.
    ingest(settings, json_page("2026-03-04T09:00:00+00:00"), media_type="application/json")
    again = documents(session, settings)
    assert shown(again) == (datetime(2026, 3, 4, 9, 0, tzinfo=UTC),) * 2
    # The feed's own validators still follow when silkfeed stored the change.
    stored = session.scalars(select(Article)).one()
    assert publish.build_current(session, settings, FeedSpec.articles())[1] == stored.updated_at


def test_a_correction_under_the_same_modified_time_shows_when_it_was_stored(
    settings: Settings, session: Session
) -> None:
    modified = "2026-03-03T15:15:00+05:00"
    ingest(settings, json_page(modified), media_type="application/json")
    assert shown(documents(session, settings)) == (datetime(2026, 3, 3, 10, 15, tzinfo=UTC),) * 2
    # The publisher corrects the text, but its page states the same modified time:
    # the entry's update time moves to the stored change, so a reader sees it.
    corrected = json_page(modified, text=COTTON.replace("last", "remaining"))
    ingest(settings, corrected, media_type="application/json")
    stored = session.scalars(select(Article)).one()
    assert stored.modified_at == datetime(2026, 3, 3, 10, 15, tzinfo=UTC)  # as the page states
    changed = documents(session, settings)
    assert shown(changed) == (stored.updated_at.replace(microsecond=0),) * 2
    # The same article again (another page: its bytes differ) changes nothing.
    ingest(settings, corrected + b"\n", media_type="application/json")
    assert documents(session, settings) == changed
    # A later correction that the publisher dates shows its modified time again.
    later = stored.updated_at.replace(microsecond=0) + timedelta(seconds=1)
    while datetime.now(UTC) <= later:  # stated before it is received, after the last change
        time.sleep(0.05)
    dated = json_page(later.isoformat(), text=COTTON.replace("last", "final"))
    ingest(settings, dated, media_type="application/json")
    assert shown(documents(session, settings)) == (later,) * 2


def test_a_modified_time_before_publication_is_the_publication(
    settings: Settings, session: Session
) -> None:
    ingest(settings, json_page("2026-03-01T00:00:00+00:00"), media_type="application/json")
    assert shown(documents(session, settings)) == (datetime(2026, 3, 3, 8, 0, tzinfo=UTC),) * 2


def test_without_a_modified_time_the_stored_change_is_shown(
    settings: Settings, session: Session
) -> None:
    ingest(settings, json_page(None), media_type="application/json")
    stored = session.scalars(select(Article)).one()
    assert stored.modified_at is None
    expected = max(stored.updated_at, datetime(2026, 3, 3, 8, 0, tzinfo=UTC))
    assert shown(documents(session, settings)) == (expected.replace(microsecond=0),) * 2


def test_an_html_pages_modified_time_is_shown(settings: Settings, session: Session) -> None:
    body = (FIXTURES / "pages" / "russian.html").read_bytes()
    ingest(settings, body, media_type="text/html")
    # article:modified_time 2025-12-15T11:00:00+05:00, published at 09:30 that day.
    assert shown(documents(session, settings)) == (datetime(2025, 12, 15, 6, 0, tzinfo=UTC),) * 2


def test_text_pages_keep_their_times(settings: Settings, session: Session) -> None:
    ingest(settings, page("Plain", 1))
    stored = session.scalars(select(Article)).one()
    assert stored.modified_at is None
    expected = max(stored.updated_at, stored.published_at).replace(microsecond=0)
    assert shown(documents(session, settings)) == (expected,) * 2


def test_a_modified_time_ahead_of_its_storing_is_the_stored_change(
    settings: Settings, session: Session
) -> None:
    # Inside the window a page may be dated (two days ahead): a feed's own
    # updated time is its latest stored change, and no entry of it says later.
    ahead = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    published = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)
    body = json_page(ahead.isoformat(), published=published.isoformat())
    ingest(settings, body, media_type="application/json")
    stored = session.scalars(select(Article)).one()
    docs = documents(session, settings)
    assert shown(docs) == (stored.updated_at.replace(microsecond=0),) * 2
    assert feedparser.parse(docs["atom"]).feed.updated_parsed >= feedparser.parse(
        docs["atom"]
    ).entries[0].updated_parsed


def test_an_entry_published_ahead_is_no_later_than_its_feed(
    settings: Settings, session: Session
) -> None:
    # A JSON page may be published up to two days ahead of its receipt; its entry
    # states an update time no earlier than that, and the feed's own updated time
    # (Atom <updated>, RSS <lastBuildDate>) is never earlier than any entry's.
    ahead = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    ingest(settings, json_page(None, published=ahead.isoformat()), media_type="application/json")
    docs = documents(session, settings)
    assert shown(docs) == (ahead,) * 2
    atom = feedparser.parse(docs["atom"])
    assert datetime(*atom.feed.updated_parsed[:6], tzinfo=UTC) == ahead
    rss = feedparser.parse(docs["rss"])
    assert datetime(*rss.feed.updated_parsed[:6], tzinfo=UTC) == ahead
    # Last-Modified stays the stored change: an HTTP date is never in the future.
    stored = session.scalars(select(Article)).one()
    assert publish.build_current(session, settings, FeedSpec.articles())[1] == stored.updated_at


def test_the_same_modified_instant_in_another_spelling_changes_nothing(
    settings: Settings, session: Session
) -> None:
    # The JSON and HTML copies of one article: one states its offset, one UTC.
    ingest(settings, json_page("2026-03-03T15:15:00+05:00"), media_type="application/json")
    first = documents(session, settings)
    assert shown(first) == (datetime(2026, 3, 3, 10, 15, tzinfo=UTC),) * 2
    again = ("2026-03-03T10:15:00Z", "2026-03-03T15:15:00+05:00", None)
    for n, modified in enumerate(again, 1):  # each another page: its bytes differ
        body = json_page(modified) + b"\n" * n
        sub_id = ingest(settings, body, media_type="application/json")
        assert session.get(Submission, sub_id).updated_article_count == 0
        assert documents(session, settings) == first
    assert session.scalars(select(Article)).one().revised_at is None
    # An older modified time than the one shown dates nothing either.
    ingest(settings, json_page("2026-03-03T09:00:00Z"), media_type="application/json")
    assert documents(session, settings) == first


def test_a_stored_digest_of_another_formula_still_matches_an_unchanged_re_post(
    settings: Settings, session: Session
) -> None:
    # Stored before the digest took the modified time as an instant, say: the
    # re-post's digest differs, but a reader sees the same article.
    ingest(settings, json_page("2026-03-03T15:15:00+05:00"), media_type="application/json")
    stored = session.scalars(select(Article)).one()
    stored.content_sha256 = "0" * 64
    session.commit()
    first = documents(session, settings)
    body = json_page("2026-03-03T15:15:00+05:00") + b"\n"
    sub_id = ingest(settings, body, media_type="application/json")
    assert session.get(Submission, sub_id).updated_article_count == 0
    assert documents(session, settings) == first
    # What a reader sees changing still updates it.
    ingest(settings, json_page(None, text="Quotas stay."), media_type="application/json")
    assert session.get(Article, stored.id).paragraphs == ["Quotas stay."]
