"""A stored article met again on a page: updated only from a page no older than its own.

Pages do not run in the order they arrived: two ingest workers, batches,
``silkfeed retry`` and ``silkfeed reprocess`` all reorder them. So a page changes
a stored article only when it was received no earlier than the page that last
changed it (at the same instant, the greater submission id wins), and an older
page's version counts as unchanged for that page. That page itself passes the
check: its rerun, with a newer parser say, writes its version again.

The check is part of the write, one UPDATE for all the articles a page changes
(as the ORM's own flush was): a row is written only while the stored article is
still at the version the page compared with, last changed by a page no newer
than this one. On
PostgreSQL a concurrent writer of the same row is waited for, and the condition
tested on the version it committed; on SQLite writers take turns. A refused write
reads the article again: still at that version, a newer page changed it; changed
meanwhile, the page compares with what is stored now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Update, and_, bindparam, exists, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from services.ingest.parsing import ParsedArticle
from shared.db import utcnow
from shared.feed_names import FeedSpec
from shared.models import Article, ArticleTag, Submission

Count = Literal["new", "updated", "unchanged"]


def feeds_of(source: str, tags: Sequence[str]) -> set[str]:
    """The feeds an article of ``source`` with ``tags`` appears in."""
    specs = [FeedSpec.articles(), FeedSpec.source(source)]
    specs += [FeedSpec.tag(t) for t in tags]
    return {spec.name for spec in specs}


def affected_feeds(article: Article) -> set[str]:
    """The feeds a stored article appears in now."""
    return feeds_of(article.source, [t.tag for t in article.tags])


def _update_statement() -> Update:
    articles = Article.__table__
    applied = Submission.__table__.alias("applied")
    received = bindparam("b_received_at", type_=applied.c.received_at.type)
    submission = bindparam("b_submission_id", type_=applied.c.id.type)
    newer = exists().where(
        applied.c.id == articles.c.last_submission_id,
        or_(
            applied.c.received_at > received,
            and_(applied.c.received_at == received, applied.c.id > submission),
        ),
    )
    columns = (
        "title",
        "paragraphs",
        "content_sha256",
        "url",
        "authors",
        "modified_at",
        "language",
        "revised_at",
    )
    values = {name: bindparam(f"b_{name}") for name in columns}
    return (
        update(articles)
        .where(
            articles.c.id == bindparam("b_id"),
            articles.c.last_submission_id == bindparam("b_compared_with"),
            ~newer,
        )
        .values(**values, updated_at=bindparam("b_updated_at"), last_submission_id=submission)
    )


# Built once: building a statement costs about what running it does.
_UPDATE = _update_statement()


Seen = tuple[Article, ParsedArticle, str]


@dataclass
class _Write:
    """A page's version of a stored article, to write if the check holds."""

    existing: Article
    parsed: ParsedArticle
    values: dict[str, Any]
    params: dict[str, Any]
    old_feeds: set[str]


def apply_page(
    session: Session, sub: Submission, seen: Sequence[Seen]
) -> list[tuple[Count, set[str]]]:
    """Count the stored articles ``sub``'s page has (article, as parsed, digest), and
    update those whose version readers see changed, if the page is no older than
    the one that last changed them; for each, its count and the feeds to announce.
    One UPDATE for all the page changes, as the ORM's flush was."""
    results: list[tuple[Count, set[str]] | None] = []
    writes: list[tuple[int, _Write]] = []
    for existing, parsed, digest in seen:
        if existing.content_sha256 == digest or _shows_the_same(existing, parsed):
            results.append(_seen_again(sub, existing))
        else:
            writes.append((len(results), _planned(sub, existing, parsed, digest)))
            results.append(None)
    held = _execute(session, sub, [w for _, w in writes])
    for (index, write), ok in zip(writes, held, strict=True):
        if ok:
            results[index] = _written(write)
        else:
            results[index] = _refused(session, sub, write)
    return [r for r in results if r is not None]


def _seen_again(sub: Submission, existing: Article) -> tuple[Count, set[str]]:
    # A rerun of the submission that brought or changed this article counts it as
    # before (and re-announces it), so a redelivered task reports and sends the
    # same as the first run.
    if existing.first_submission_id == sub.id:
        return "new", affected_feeds(existing)
    if existing.last_submission_id == sub.id:
        return "updated", affected_feeds(existing)
    return "unchanged", set()


def _refused(session: Session, sub: Submission, write: _Write) -> tuple[Count, set[str]]:
    """A write the check refused: read the article again, and count or write again."""
    existing, parsed, digest = write.existing, write.parsed, write.values["content_sha256"]
    while True:
        compared_with = existing.last_submission_id
        # What this transaction changed is written first: refresh drops what is not.
        session.flush()
        session.refresh(existing)
        if existing.last_submission_id == compared_with:
            # A newer page changed it: this page's version is older. The page that
            # brought the article still counts it as it did.
            if existing.first_submission_id == sub.id:
                return "new", affected_feeds(existing)
            return "unchanged", set()
        if existing.content_sha256 == digest or _shows_the_same(existing, parsed):
            return _seen_again(sub, existing)
        write = _planned(sub, existing, parsed, digest)
        if _execute(session, sub, [write]) == [True]:
            return _written(write)


def _dated(existing: Article, modified: datetime | None) -> bool:
    """Whether a page's modified time dates its version of ``existing``: later than
    the update time feeds showed for the stored version (its own modified time, or
    its stored change when that was undated; never before its publication). A
    correction under the same or an older modified time is not dated by it."""
    if modified is None:
        return False
    shown = existing.modified_at
    if shown is None or existing.revised_at is not None:
        shown = existing.updated_at
    shown = max(shown, existing.published_at)
    return modified.replace(microsecond=0) > shown.replace(microsecond=0)


def _reads_the_same(existing: Article, parsed: ParsedArticle) -> bool:
    """Whether a reader sees the same article in the page's version as stored: its
    title, text, link (a page of none keeps the stored one), authors, tags and
    language, compared as they would be written (their digests may differ for the
    same values: a stored digest of another formula, or tags given twice)."""
    return (
        existing.title == parsed.title
        and existing.paragraphs == list(parsed.paragraphs)
        and (parsed.url is None or parsed.url == existing.url)
        and existing.authors == (list(parsed.authors) or None)
        and existing.language == parsed.language
        and {t.tag for t in existing.tags} == set(parsed.tags)
    )


def _shows_the_same(existing: Article, parsed: ParsedArticle) -> bool:
    """Whether the page's version changes nothing feeds show: it reads the same, and
    its modified time, compared as an instant, does not date it (the same time in
    another spelling, ``+05:00`` or ``Z``; an older one; none, as a text copy of
    the article gives). Writing it would only move the entry's update time."""
    return _reads_the_same(existing, parsed) and not _dated(existing, parsed.modified)


def _planned(sub: Submission, existing: Article, parsed: ParsedArticle, digest: str) -> _Write:
    now = utcnow()
    values = {
        "title": parsed.title,
        "paragraphs": list(parsed.paragraphs),
        "content_sha256": digest,
        "url": parsed.url or existing.url,
        "authors": list(parsed.authors) or None,
        "modified_at": parsed.modified,
        "language": parsed.language,
        # Written only when a reader sees something change (``_shows_the_same``): a
        # version its page does not date changed what a reader reads, and shows
        # when it was stored.
        "revised_at": None if _dated(existing, parsed.modified) else now,
        "updated_at": now,
    }
    params = {f"b_{name}": value for name, value in values.items()}
    params |= {
        "b_id": existing.id,
        "b_compared_with": existing.last_submission_id,
        "b_received_at": sub.received_at,
        "b_submission_id": sub.id,
    }
    return _Write(existing, parsed, values, params, affected_feeds(existing))


def _execute(session: Session, sub: Submission, writes: list[_Write]) -> list[bool]:
    """Run the writes (one statement); which of them the check let through."""
    if not writes:
        return []
    # On the session's connection: the rows are written here and now, with the
    # check; the loaded objects then take the values as stored, not as changes.
    connection = session.connection()
    if connection.execute(_UPDATE, [w.params for w in writes]).rowcount == len(writes):
        return [True] * len(writes)
    # Some were refused: the written ones carry this page's id and write time.
    articles = Article.__table__
    rows = connection.execute(
        select(articles.c.id, articles.c.last_submission_id, articles.c.updated_at).where(
            articles.c.id.in_([w.existing.id for w in writes])
        )
    )
    stored = {row.id: (row.last_submission_id, row.updated_at) for row in rows}
    return [stored.get(w.existing.id) == (sub.id, w.values["updated_at"]) for w in writes]


def _written(write: _Write) -> tuple[Count, set[str]]:
    existing = write.existing
    for name, value in write.values.items():
        set_committed_value(existing, name, value)
    set_committed_value(existing, "last_submission_id", write.params["b_submission_id"])
    wanted = set(write.parsed.tags)
    existing.tags = [t for t in existing.tags if t.tag in wanted] + [
        ArticleTag(tag=t) for t in sorted(wanted - {t.tag for t in existing.tags})
    ]
    return "updated", write.old_feeds | affected_feeds(existing)
