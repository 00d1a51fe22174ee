"""Reading what a feed holds: articles and rate snapshots as the renderer's entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, String, cast, exists, func, select
from sqlalchemy.orm import Session, selectinload

from services.feed.render.model import FeedEntry
from shared import contracts
from shared.models import Article, ArticleTag

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FEED_RATE_MOVES = contracts.FEED_RATE_MOVES
RATE_KINDS = ("rates", "pair", FEED_RATE_MOVES)


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """A named feed: ``articles``, ``tag:<slug>``, ``source:<name>`` or ``rates``."""

    name: str
    kind: str
    value: str | None = None

    @classmethod
    def parse(cls, name: str) -> FeedSpec:
        if name in (contracts.FEED_ARTICLES, contracts.FEED_RATES, FEED_RATE_MOVES):
            return cls(name, name)
        kind, _, value = name.partition(":")
        if kind in ("tag", "source", "pair") and value:
            return cls(name, kind, value)
        raise ValueError(f"unknown feed {name!r}")

    @property
    def path(self) -> str:
        """The URL path of this feed without the format suffix."""
        if self.kind == "tag":
            return f"/feeds/tags/{self.value}"
        if self.kind == "source":
            return f"/feeds/sources/{self.value}"
        if self.kind == "pair":
            return f"/feeds/rates/{self.value}"
        return f"/feeds/{self.kind}"

    @property
    def title(self) -> str:
        if self.kind == "tag":
            return f"silkfeed — {self.value}"
        if self.kind == "source":
            return f"silkfeed — from {self.value}"
        if self.kind == "rates":
            return "silkfeed — currency ticker"
        if self.kind == "pair":
            return f"silkfeed — {self.value.replace('-', '/')} rate"
        if self.kind == FEED_RATE_MOVES:
            return "silkfeed — currency moves"
        return "silkfeed — all articles"


def _filtered(spec: FeedSpec, words: tuple[str, ...] = ()) -> Select[tuple[Article]]:
    query = select(Article)
    if spec.kind == "tag":
        query = query.where(
            exists().where(ArticleTag.article_id == Article.id, ArticleTag.tag == spec.value)
        )
    elif spec.kind == "source":
        query = query.where(Article.source == spec.value)
    body = cast(Article.paragraphs, String)
    for word in words:
        # Bound parameters, with % and _ escaped: a search is never SQL.
        query = query.where(
            Article.title.icontains(word, autoescape=True) | body.icontains(word, autoescape=True)
        )
    return query


def feed_exists(session: Session, spec: FeedSpec) -> bool:
    if spec.kind in ("articles", "rates", FEED_RATE_MOVES):
        return True
    if spec.kind == "pair":
        from services.rates.feeds import pair_exists

        return pair_exists(session, spec.value or "")
    if spec.kind == "tag":
        return session.scalar(select(exists().where(ArticleTag.tag == spec.value))) or False
    return session.scalar(select(exists().where(Article.source == spec.value))) or False


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
        author=article.source,
    )
