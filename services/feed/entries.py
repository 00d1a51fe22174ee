"""What the article feeds hold: articles as the renderer's entries, by tag, source or search.

Rate feeds' entries are the rates service's (``services.rates.feeds``); ``catalog``
chooses between them.
"""

from __future__ import annotations

from sqlalchemy import Select, String, cast, exists, func, select
from sqlalchemy.orm import Session, selectinload

from services.feed.render.model import FeedEntry
from shared import feed_names
from shared.feed_names import FeedSpec
from shared.models import Article, ArticleTag


def _filtered(spec: FeedSpec, words: tuple[str, ...] = ()) -> Select[tuple[Article]]:
    query = select(Article)
    if spec.kind == feed_names.TAG:
        query = query.where(
            exists().where(ArticleTag.article_id == Article.id, ArticleTag.tag == spec.value)
        )
    elif spec.kind == feed_names.SOURCE:
        query = query.where(Article.source == spec.value)
    body = cast(Article.paragraphs, String)
    for word in words:
        # Bound parameters, with % and _ escaped: a search is never SQL.
        query = query.where(
            Article.title.icontains(word, autoescape=True) | body.icontains(word, autoescape=True)
        )
    return query


def tag_exists(session: Session, tag: str) -> bool:
    return session.scalar(select(exists().where(ArticleTag.tag == tag))) or False


def source_exists(session: Session, source: str) -> bool:
    return session.scalar(select(exists().where(Article.source == source))) or False


def count_articles(session: Session, spec: FeedSpec) -> int:
    sub = _filtered(spec).with_only_columns(Article.id).subquery()
    return int(session.scalar(select(func.count()).select_from(sub)) or 0)


def current_articles(
    session: Session, spec: FeedSpec, base_url: str, limit: int, words: tuple[str, ...] = ()
) -> list[FeedEntry]:
    """The newest ``limit`` entries in first-seen order, newest first.

    First-seen order (the id) is what archive pages are cut by, so the newest
    page-size entries always include every entry not yet in a full archive.
    """
    query = _filtered(spec, words).options(selectinload(Article.tags))
    articles = session.scalars(query.order_by(Article.id.desc()).limit(limit)).all()
    return [_article_entry(a, base_url) for a in articles]


def archive_articles(
    session: Session, spec: FeedSpec, base_url: str, page: int, page_size: int
) -> list[FeedEntry]:
    """Archive page ``page`` (1 = the oldest entries), newest first within the page."""
    query = _filtered(spec).options(selectinload(Article.tags))
    articles = session.scalars(
        query.order_by(Article.id.asc()).offset((page - 1) * page_size).limit(page_size)
    ).all()
    return [_article_entry(a, base_url) for a in reversed(articles)]


def _article_entry(article: Article, base_url: str) -> FeedEntry:
    uuid_part = article.guid.rsplit(":", 1)[-1]
    first = article.paragraphs[0] if article.paragraphs else ""
    return FeedEntry(
        guid=article.guid,
        title=article.title,
        link=article.url or f"{base_url}/articles/{uuid_part}",
        published=article.published_at,
        updated=article.updated_at,
        summary=first if len(first) <= 400 else first[:399].rstrip() + "…",
        paragraphs=tuple(article.paragraphs),
        tags=tuple(t.tag for t in article.tags),
        # The page's own authors when it names them (RSS dc:creator, Atom
        # author, JSON Feed authors), else the upstream that posted it.
        author=", ".join(article.authors) if article.authors else article.source,
    )
