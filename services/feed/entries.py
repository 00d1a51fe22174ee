"""What the article feeds hold: articles as the renderer's entries, by tag, source or search.

Rate feeds' entries are the rates service's (``services.rates.feeds``); ``catalog``
chooses between them.

A feed's articles are read in two steps: first the small columns that say
which articles it holds and which version of each (id, guid, ``updated_at``,
``content_sha256``), then the full rows of only those articles this process
has not turned into entries yet. Every change of what a reader sees of an
article (title, text, link, tags, authors, modified time, language) changes its digest and its
``updated_at`` (``services.ingest.processing``; ``revised_at`` changes only with
them), and the base URL is part of the key too, so a kept entry is never stale;
its rendered fragments are kept by ``services.feed.render.fragments`` the same way.
"""

from __future__ import annotations

import functools
import json
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Text,
    and_,
    bindparam,
    cast,
    exists,
    func,
    select,
    type_coerce,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from services.feed.render.model import FeedEntry
from shared import feed_names
from shared.byte_lru import ByteLRU
from shared.db import FOLD_FUNCTION
from shared.feed_names import FeedSpec
from shared.models import Article, ArticleTag


class folded(FunctionElement[str]):
    """A column's text folded for a search: ``fold_text`` on SQLite (its lower()
    folds ASCII only), lower() elsewhere (PostgreSQL's folds every script)."""

    type = String()
    inherit_cache = True
    name = "folded"


@compiles(folded)
def _folded_default(element: folded, compiler: SQLCompiler, **kw: object) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, "sqlite")
def _folded_sqlite(element: folded, compiler: SQLCompiler, **kw: object) -> str:
    return f"{FOLD_FUNCTION}({compiler.process(element.clauses, **kw)})"


# A search (``?q=``) looks among the newest this many articles stored at most:
# a word found nowhere would otherwise make each request read the feed's whole
# history, and any reader may vary the words.
SEARCH_WINDOW = 10_000


def feed_key(spec: FeedSpec) -> ColumnElement[int]:
    """What orders a feed's entries and cuts its archive pages: when each joined the
    feed. An article's id for the feeds it is in from the start (all articles, its
    source), and for a tag feed the id of its tag row: an article tagged later
    joins the tag's newest entries, not the archived ones it was stored among."""
    return ArticleTag.id if spec.kind == feed_names.TAG else Article.id


def _filtered(spec: FeedSpec, words: tuple[str, ...] = ()) -> Select[tuple[Article]]:
    query = select(Article)
    if spec.kind == feed_names.TAG:
        # An article holds a tag once: one row each.
        query = query.join(
            ArticleTag, and_(ArticleTag.article_id == Article.id, ArticleTag.tag == spec.value)
        )
    elif spec.kind == feed_names.SOURCE:
        query = query.where(Article.source == spec.value)
    if not words:
        return query
    # Ids are given in the order articles are first stored: the window is the
    # newest SEARCH_WINDOW ids, one look-up in the key's index.
    newest = select(func.max(Article.id)).scalar_subquery()
    query = query.where(Article.id > func.coalesce(newest, 0) - SEARCH_WINDOW)
    title, body = folded(Article.title), folded(cast(Article.paragraphs, String))
    for word in words:
        # Bound parameters, with % and _ escaped: a search is never SQL. The words
        # are folded already (``query.parse_query``).
        query = query.where(
            title.contains(word, autoescape=True) | body.contains(word, autoescape=True)
        )
    return query


def tag_exists(session: Session, tag: str) -> bool:
    return session.scalar(select(exists().where(ArticleTag.tag == tag))) or False


def source_exists(session: Session, source: str) -> bool:
    return session.scalar(select(exists().where(Article.source == source))) or False


def every_nth_key(session: Session, spec: FeedSpec, after: int, n: int) -> list[int]:
    """The key of every ``n``-th entry of the feed after key ``after``, in order: where
    the archive pages that have filled since ``after`` end (``archive_cuts``)."""
    # Plain statements on the session's connection: no ORM objects are wanted.
    rows = session.connection().execute(_every_nth(spec, n), {"after": after})
    return [int(key) for key in rows.scalars()]


# Statements are built once per feed (and page size, or search): building one
# costs more than running it on a 50-row feed.
@functools.lru_cache(maxsize=256)
def _every_nth(spec: FeedSpec, n: int) -> Select[tuple[int]]:
    key = feed_key(spec)
    members = _filtered(spec).with_only_columns(key.label("key")).where(key > bindparam("after"))
    sub = members.subquery()
    numbered = select(sub.c.key, func.row_number().over(order_by=sub.c.key).label("n")).subquery()
    return select(numbered.c.key).where(numbered.c.n % n == 0).order_by(numbered.c.key)


@functools.lru_cache(maxsize=256)
def _current_versions(spec: FeedSpec, limit: int, words: tuple[str, ...]) -> Select:
    versions = _filtered(spec, words).with_only_columns(*_VERSION)
    return versions.order_by(feed_key(spec).desc()).limit(limit)


@functools.lru_cache(maxsize=256)
def _archive_versions(spec: FeedSpec) -> Select:
    key = feed_key(spec)
    versions = _filtered(spec).with_only_columns(*_VERSION)
    return versions.where(key > bindparam("after"), key <= bindparam("last")).order_by(key.asc())


def current_articles(
    session: Session, spec: FeedSpec, base_url: str, limit: int, words: tuple[str, ...] = ()
) -> list[FeedEntry]:
    """The newest ``limit`` entries in the order they joined the feed, newest first.

    That order (``feed_key``) is what archive pages are cut by, so the newest
    page-size entries always include every entry not yet in an archive page.
    """
    return _entries(session, _current_versions(spec, limit, tuple(words)), base_url)


def archive_articles(
    session: Session, spec: FeedSpec, base_url: str, after: int, last: int
) -> list[FeedEntry]:
    """The archive page of the entries keyed above ``after`` up to ``last``
    (``archive_cuts``), newest first."""
    versions = _archive_versions(spec)
    return _entries(session, versions, base_url, {"after": after, "last": last})[::-1]


# What names one version of an article: a different value is a different entry.
# The stored time is compared as the database gives it: only the full read
# turns it into a datetime.
_VERSION = (
    Article.id,
    Article.guid,
    type_coerce(Article.updated_at, String).label("stored_updated_at"),
    Article.content_sha256,
)
Version = tuple[int, str, object, str, str]  # the columns above and the base URL

# Entries made from full rows, bounded by bytes as well as entries.
_ENTRIES: ByteLRU[FeedEntry] = ByteLRU(max_entries=8192, max_bytes=64 * 1024 * 1024)


def clear_entries() -> None:
    """Forget every entry made from a row (the next read loads every row in full)."""
    _ENTRIES.clear()


# The columns an entry is made from, one row per article. The JSON columns
# come as their text, decoded here; the tags as a JSON list made by the
# database in the same statement (joined, each tag's row repeated the
# article's whole text, decoded again each time).
_COLUMNS = (
    *_VERSION,
    Article.title,
    Article.url,
    Article.published_at,
    Article.updated_at,
    Article.modified_at,
    Article.revised_at,
    Article.language,
    cast(Article.paragraphs, Text).label("paragraphs"),
    cast(Article.authors, Text).label("authors"),
    Article.source,
)


@functools.lru_cache(maxsize=4)
def _full_by_id(dialect: str) -> Select:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import aggregate_order_by

        # In Article.tags' order, the database's collation (NULL: no tags).
        listed = func.json_agg(aggregate_order_by(ArticleTag.tag, ArticleTag.tag))
    else:
        # SQLite orders no aggregate before 3.44: sorted here (``_tags``).
        listed = func.json_group_array(ArticleTag.tag)
    tags = select(cast(listed, Text)).where(ArticleTag.article_id == Article.id)
    return select(*_COLUMNS, tags.scalar_subquery().label("tags")).where(
        Article.id.in_(bindparam("ids", expanding=True))
    )


def _tags(listed: str | None, dialect: str) -> list[str]:
    tags: list[str] = json.loads(listed) if listed else []
    if dialect != "postgresql":
        # SQLite orders text by its UTF-8 bytes, which is the order of code points.
        tags.sort()
    return tags


def _entries(
    session: Session, versions: Select, base_url: str, params: dict[str, int] | None = None
) -> list[FeedEntry]:
    """The entries of the articles ``versions`` selects (with ``params``), in its order."""
    connection = session.connection()
    wanted = [(*row, base_url) for row in connection.execute(versions, params or {}).all()]
    found: dict[int, FeedEntry] = {}
    missing = []
    for version in wanted:
        entry = _ENTRIES.get(version)
        if entry is None:
            missing.append(version[0])
        else:
            found[version[0]] = entry
    if missing:
        dialect = connection.dialect.name
        for row in connection.execute(_full_by_id(dialect), {"ids": missing}):
            article = _Full(
                row.guid,
                row.title,
                row.url,
                row.published_at,
                row.updated_at,
                row.modified_at,
                row.revised_at,
                row.language,
                json.loads(row.paragraphs),
                None if row.authors is None else json.loads(row.authors),
                row.source,
            )
            tags = _tags(row.tags, dialect)
            # Edited since the first read: this newer version is what the feed shows.
            entry = found[row.id] = _article_entry(article, tags, base_url)
            size = sum(map(len, entry.paragraphs)) + len(entry.title) + 512
            _ENTRIES.put((*row[: len(_VERSION)], base_url), entry, size)
    # An article deleted between the two reads is left out.
    return [found[version[0]] for version in wanted if version[0] in found]


class _Full(NamedTuple):
    """What an entry is made from, its JSON columns decoded."""

    guid: str
    title: str
    url: str | None
    published_at: datetime
    updated_at: datetime
    modified_at: datetime | None
    revised_at: datetime | None
    language: str | None
    paragraphs: list[str]
    authors: list[str] | None
    source: str


def _article_entry(article: _Full | Article, tags: list[str], base_url: str) -> FeedEntry:
    uuid_part = article.guid.rsplit(":", 1)[-1]
    first = article.paragraphs[0] if article.paragraphs else ""
    return FeedEntry(
        guid=article.guid,
        title=article.title,
        link=article.url or f"{base_url}/articles/{uuid_part}",
        published=article.published_at,
        updated=article.updated_at,
        modified=article.modified_at,
        revised=article.revised_at,
        language=article.language,
        summary=first if len(first) <= 400 else first[:399].rstrip() + "…",
        paragraphs=tuple(article.paragraphs),
        tags=tuple(tags),
        # The page's own authors when it names them (RSS dc:creator, Atom
        # author, JSON Feed authors: one each), else the upstream that posted it.
        authors=tuple(article.authors) if article.authors else (article.source,),
    )
