"""Processing one submission: parse it, store its articles, say what follows.

Plain functions over a session, run by the ingest task (``silkfeed reprocess`` and
``silkfeed retry`` requeue that task, they do not call these) and by the tests.
Running them twice for the same submission leaves the same rows.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from services.ingest.identity import content_digest, identity_key
from services.ingest.lookup import find_submission
from services.ingest.page_values import (
    absolute_links,
    check_bounds,
    observed_at_of,
    settle_times,
    snapshot_payload,
)
from services.ingest.parsing import (
    ParsedArticle,
    ParsedPage,
    ParseError,
    is_json_media_type,
    parse_page,
)
from services.ingest.updates import Seen, affected_feeds, apply_page, feeds_of
from shared import contracts
from shared.bounds import Bounds
from shared.db import insert_of, utcnow
from shared.models import Article, ArticleTag, Submission, SubmissionStatus
from shared.zones import time_zone

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What processing did, and the messages to send once it has committed."""

    submission_id: str
    status: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    snapshot: contracts.StoreSnapshot | None = None
    feeds: set[str] = field(default_factory=set)


@dataclass
class Prepared:
    """A submission parsed and ready to store: its page, or why it cannot be read."""

    sub: Submission
    page: ParsedPage | None
    problem: str | None = None


def process_submission(
    session: Session,
    submission_id: str,
    bounds: Bounds | None = None,
    *,
    waiting_only: bool = False,
    zone: tzinfo | None = None,
) -> Outcome | None:
    """Parse and store one submission; commits. None when the id is unknown, or
    with ``waiting_only`` when it is done or failed already.

    A page with a value out of ``bounds`` (a rate's digits, a date far from
    when it was received) fails with the reason, and nothing of it is stored.
    ``zone``: the zone its times that name none are in (``PAGE_TIMEZONE``).
    """
    prepared = prepare(session, submission_id, bounds, waiting_only=waiting_only, zone=zone)
    return None if prepared is None else store(session, prepared)


def prepare(
    session: Session,
    submission_id: str,
    bounds: Bounds | None = None,
    *,
    waiting_only: bool = False,
    counted: bool = False,
    zone: tzinfo | None = None,
) -> Prepared | None:
    """Count the attempt and parse: no write but that count, so a batch can parse
    its pages before it takes the database's write lock. ``counted``: the caller
    records the attempt with the outcome instead (``store``'s ``attempt_at``);
    ``zone``: the zone the page's times that name none are in."""
    sub = find_submission(session, submission_id)
    if sub is None:
        return None
    if waiting_only and sub.status in (SubmissionStatus.DONE, SubmissionStatus.FAILED):
        return None
    if not counted:
        _count_attempt(sub, utcnow())
        # A transaction of its own, before parsing: a page whose parse kills the
        # worker is still counted, and given up on (the task's MAX_ATTEMPTS).
        session.commit()
    try:
        page = parse_page(sub.body, sub.media_type, sub.received_at, _zone_of(sub, zone))
        if not is_json_media_type(sub.media_type):
            page = settle_times(page, sub.received_at, bounds)
        page = absolute_links(page, sub.page_url)
        check_bounds(page, bounds or Bounds(), sub.received_at)
    except ParseError as exc:
        return Prepared(sub, None, f"cannot parse the page: {exc}")
    return Prepared(sub, page)


def _zone_of(sub: Submission, default: tzinfo | None) -> tzinfo | None:
    """The zone the submission's poster named for its times (``?tz=``), else ``default``."""
    if sub.page_timezone:
        try:
            return time_zone(sub.page_timezone)
        except ValueError:  # checked when posted; a zone since gone from the database
            log.warning("submission %s: zone %r not known", sub.id, sub.page_timezone)
    return default


def store(
    session: Session,
    prepared: Prepared,
    *,
    commit: bool = True,
    attempt_at: datetime | None = None,
    stored: set[tuple[str, str]] | None = None,
) -> Outcome:
    """Store a prepared page's articles and its outcome; commits unless ``commit`` is
    false (the caller commits several pages at once). ``attempt_at``: the run's
    attempt, not counted before the parse, is recorded with its outcome.
    ``stored``: which of the page's (source, identity key)s are stored, from ``stored_keys``
    (asked once for several pages) instead of a look-up of the page's own."""
    sub, page = prepared.sub, prepared.page
    if attempt_at is not None:
        _count_attempt(sub, attempt_at)
    if page is None:
        sub.status = SubmissionStatus.FAILED
        sub.error = prepared.problem
        sub.finished_at = utcnow()
        if commit:
            session.commit()
        log.info("submission %s failed: %s", sub.id, prepared.problem)
        return Outcome(sub.id, sub.status)

    outcome = Outcome(sub.id, SubmissionStatus.DONE)
    observed_at = observed_at_of(page, sub)
    _store_articles(session, sub, page.articles, observed_at, outcome, stored)

    sub.status = SubmissionStatus.DONE
    sub.finished_at = utcnow()
    sub.page_date = page.page_date.isoformat() if page.page_date else None
    sub.article_count = len(page.articles)
    sub.new_article_count = outcome.new
    sub.updated_article_count = outcome.updated
    sub.rate_count = len(page.quotes)
    sub.diagnostics = page.diagnostics.as_json()
    if commit:
        session.commit()

    if page.quotes:
        outcome.snapshot = snapshot_payload(sub, page, observed_at)
    return outcome


def _count_attempt(sub: Submission, now: datetime) -> None:
    # A page done already and delivered again (a redelivered task, a sweep's resend)
    # runs again only to resend what follows it: it stays done to its readers,
    # with the counts its first run recorded; its attempt still counts.
    if sub.status != SubmissionStatus.DONE:
        sub.status = SubmissionStatus.PROCESSING
        sub.error = None
    sub.started_at = now
    sub.attempts += 1


def _store_articles(
    session: Session,
    sub: Submission,
    articles: Sequence[ParsedArticle],
    page_time: datetime,
    outcome: Outcome,
    stored: set[tuple[str, str]] | None = None,
) -> None:
    """Store a page's articles: one look-up for all of them (none when ``stored``
    is given), one insert of the new ones and one of their tags.

    Same rows and counts as storing them one at a time (the fallback below).
    """
    keyed = [(identity_key(a), content_digest(a), a) for a in articles]
    keys = [key for key, _, _ in keyed]
    if len(set(keys)) < len(keys):
        # A headline twice on one page: one at a time, so the second meets the first.
        _store_one_by_one(session, sub, articles, page_time, outcome)
        return
    known = _existing(session, sub.source, keys, stored)
    fresh = [
        (position, key, digest, parsed)
        for position, (key, digest, parsed) in enumerate(keyed)
        if key not in known
    ]
    inserted = _insert(session, sub, fresh, page_time) if fresh else set()
    if stored is not None:
        stored |= {(sub.source, key) for key in inserted}
    # The stored ones together: one UPDATE for all the page changes.
    _apply(session, sub, [(known[k], parsed, d) for k, d, parsed in keyed if k in known], outcome)
    for position, key, _, parsed in fresh:
        if key in inserted:
            outcome.new += 1
            outcome.feeds |= feeds_of(sub.source, parsed.tags)
        else:
            # Another worker stored it a moment ago (the insert skipped it): a re-post.
            _store_article(session, sub, parsed, position, page_time, outcome)


def _store_one_by_one(
    session: Session,
    sub: Submission,
    articles: Sequence[ParsedArticle],
    page_time: datetime,
    outcome: Outcome,
) -> None:
    for position, parsed in enumerate(articles):
        _store_article(session, sub, parsed, position, page_time, outcome)


def _insert(
    session: Session,
    sub: Submission,
    fresh: list[tuple[int, str, str, ParsedArticle]],
    page_time: datetime,
) -> set[str]:
    """Insert these articles and their tags; the identity keys inserted. One that
    another worker stored since the look-up is skipped (ON CONFLICT DO NOTHING,
    no savepoint) and left to the caller."""
    now = utcnow()
    rows = [_article_row(sub, *item, page_time, now) for item in fresh]
    # Matched to their rows by guid rather than by parameter order: an ordered
    # RETURNING makes SQLite run one INSERT per row, unordered it is one.
    # Core statements on the session's connection: the rows are plain values,
    # and the ORM's bulk path would cost more than the SQL.
    connection = session.connection()
    ids = dict(connection.execute(_insert_articles(connection.dialect.name), rows).all())
    tags = [
        {"article_id": ids[row["guid"]], "tag": tag}
        for row, (*_, parsed) in zip(rows, fresh, strict=True)
        if row["guid"] in ids
        for tag in sorted(set(parsed.tags))
    ]
    if tags:
        connection.execute(_INSERT_TAGS, tags)
    return {row["identity_key"] for row in rows if row["guid"] in ids}


# The statements of every page, built once (per database for the insert): building
# one costs about what running it does.
_INSERT_TAGS = insert(ArticleTag.__table__)
_STORED_KEYS = select(Article.identity_key).where(
    Article.source == bindparam("source"),
    Article.identity_key.in_(bindparam("keys", expanding=True)),
)


@functools.cache
def _insert_articles(dialect: str) -> Any:
    articles = Article.__table__
    statement = insert_of(dialect)(articles).on_conflict_do_nothing(
        index_elements=[articles.c.source, articles.c.identity_key]
    )
    return statement.returning(articles.c.guid, articles.c.id)


def stored_keys(session: Session, pages: Iterable[tuple[str, ParsedPage]]) -> set[tuple[str, str]]:
    """Which of the pages' articles are stored, as (source, identity key): one
    look-up per source for several pages, handed to ``store``. One that another
    worker stores after it is skipped by the insert and stored as a re-post, as
    after a page's own."""
    by_source: dict[str, set[str]] = {}
    for source, page in pages:
        by_source.setdefault(source, set()).update(identity_key(a) for a in page.articles)
    return {
        (source, key)
        for source, keys in sorted(by_source.items())
        for key in _stored_among(session, source, keys)
    }


def _stored_among(session: Session, source: str, keys: set[str]) -> set[str]:
    # On the session's connection, without flushing the session first: what waits
    # in it (the batch's pages' own rows, changed) says nothing about which
    # articles are stored, and flushes once, when the batch commits.
    ordered, found = sorted(keys), set()
    for start in range(0, len(ordered), 500):  # far under either database's limit
        chunk = {"source": source, "keys": ordered[start : start + 500]}
        found.update(session.connection().execute(_STORED_KEYS, chunk).scalars())
    return found


def _existing(
    session: Session, source: str, keys: list[str], stored: set[tuple[str, str]] | None
) -> dict[str, Article]:
    # Most articles of a page are new: know which keys are stored first, and load
    # (with their tags) only the articles that are.
    if stored is None:
        hits = _stored_among(session, source, set(keys))
    else:
        hits = {key for key in keys if (source, key) in stored}
    if not hits:
        return {}
    found = session.scalars(
        select(Article)
        .where(Article.source == source, Article.identity_key.in_(sorted(hits)))
        .options(selectinload(Article.tags))
    )
    return {a.identity_key: a for a in found}


def _article_row(
    sub: Submission,
    position: int,
    key: str,
    digest: str,
    parsed: ParsedArticle,
    page_time: datetime,
    now: datetime,
) -> dict[str, Any]:
    return {
        "guid": f"urn:uuid:{uuid.uuid4()}",
        "identity_key": key,
        "title": parsed.title,
        "paragraphs": list(parsed.paragraphs),
        "content_sha256": digest,
        "url": parsed.url or sub.page_url,
        "source": sub.source,
        "position": position,
        "published_at": parsed.published or page_time,
        "authors": list(parsed.authors) or None,
        "modified_at": parsed.modified,
        "language": parsed.language,
        # The time it entered the feed: Last-Modified moves exactly when feeds change.
        "updated_at": now,
        "first_submission_id": sub.id,
        "last_submission_id": sub.id,
    }


def _store_article(
    session: Session,
    sub: Submission,
    parsed: ParsedArticle,
    position: int,
    page_time: datetime,
    outcome: Outcome,
) -> None:
    key = identity_key(parsed)
    digest = content_digest(parsed)
    same = select(Article).where(Article.source == sub.source, Article.identity_key == key)
    existing = session.scalars(same).first()
    if existing is None:
        article = Article(
            **_article_row(sub, position, key, digest, parsed, page_time, utcnow()),
            tags=[ArticleTag(tag=t) for t in sorted(set(parsed.tags))],
        )
        try:
            with session.begin_nested():
                session.add(article)
        except IntegrityError:
            # Another worker stored the same article a moment ago: treat it as a re-post.
            existing = session.scalars(same).one()
        else:
            outcome.new += 1
            outcome.feeds |= affected_feeds(article)
            return
    _apply(session, sub, [(existing, parsed, digest)], outcome)


def _apply(session: Session, sub: Submission, seen: Sequence[Seen], outcome: Outcome) -> None:
    """Stored articles seen again: count them, and update those whose version
    readers see changed, if this page is no older than the one that last changed
    them (``services.ingest.updates``)."""
    for count, feeds in apply_page(session, sub, seen):
        setattr(outcome, count, getattr(outcome, count) + 1)
        outcome.feeds |= feeds
