"""Tables written by the ingest service: raw submissions and the articles parsed from them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, Session, column_property, defer, mapped_column, relationship

from shared.db import Base, UTCDateTime, utcnow

SUBMISSION_ID_LENGTH = 32


class SubmissionStatus(enum.StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


class Submission(Base):
    """A page as it was posted. The raw body is kept so it can be re-parsed later."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("body_sha256", "media_type"),
        # The outbox relay looks for accepted rows whose task was never sent.
        Index("ix_submissions_unsent", "sent_at", "received_at"),
        # ... and for recently finished ones whose rate snapshot never arrived.
        Index("ix_submissions_finished", "status", "finished_at"),
    )

    id: Mapped[str] = mapped_column(String(SUBMISSION_ID_LENGTH), primary_key=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    # Read by the database (no body is loaded for it): what a status answer reports.
    body_bytes: Mapped[int] = column_property(func.length(body))
    body_sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(100), index=True)
    page_url: Mapped[str | None] = mapped_column(String(2048))
    # The zone the page's times that name none are in, as its poster named it
    # (``?tz=``); None: the service's SILKFEED_PAGE_TIMEZONE.
    page_timezone: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=SubmissionStatus.QUEUED, index=True)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    page_date: Mapped[str | None] = mapped_column(String(10))
    article_count: Mapped[int] = mapped_column(Integer, default=0)
    new_article_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_article_count: Mapped[int] = mapped_column(Integer, default=0)
    rate_count: Mapped[int] = mapped_column(Integer, default=0)
    # What the parse left out and could not understand (see ParsedPage.diagnostics).
    diagnostics: Mapped[dict[str, object] | None] = mapped_column(JSON)

    @property
    def counts(self) -> dict[str, int]:
        """What processing produced, as the API and the CLI report it."""
        return {
            "articles": self.article_count,
            "new_articles": self.new_article_count,
            "updated_articles": self.updated_article_count,
            "rates": self.rate_count,
        }

    @classmethod
    def find(cls, session: Session, submission_id: str) -> Submission | None:
        """The submission with this id, or None. An id longer than any id names none
        (and is not sent to the database, where PostgreSQL would refuse it)."""
        if len(submission_id) > SUBMISSION_ID_LENGTH:
            return None
        # A status answer needs the body's size, not the body (up to the size cap).
        return session.get(cls, submission_id, options=[defer(cls.body)])

class Article(Base):
    """One article, identified across re-posts by its source and ``identity_key`` (its
    headline's); ``guid`` never changes."""

    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_feed_order", "published_at", "id"),
        UniqueConstraint("source", "identity_key", name="uq_articles_source_identity_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guid: Mapped[str] = mapped_column(String(64), unique=True)
    identity_key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    paragraphs: Mapped[list[str]] = mapped_column(JSON)
    content_sha256: Mapped[str] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(String(2048))
    source: Mapped[str] = mapped_column(String(100), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # As the page states them: its authors and when it was last modified.
    authors: Mapped[list[str] | None] = mapped_column(JSON)
    modified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Its primary language subtag ("ru"), declared by the page or told by its
    # letters; None when neither says. Part of its digest: feeds state it, so a
    # re-post that declares another language updates the article.
    language: Mapped[str | None] = mapped_column(String(35))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # When this version was stored, if its page did not date it: the page gave no
    # modified time later than the time feeds showed for the version before (a
    # correction under the same ``dateModified``, or none). Feeds then show this
    # stored change as the entry's update time, so a reader sees the correction.
    # None while the page's own modified time dates the version.
    revised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"))
    last_submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"))

    tags: Mapped[list[ArticleTag]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="ArticleTag.tag"
    )


class ArticleTag(Base):
    __tablename__ = "article_tags"
    __table_args__ = (
        UniqueConstraint("article_id", "tag"),
        # A tag feed's entries in the order they joined it.
        Index("ix_article_tags_tag", "tag", "id"),
    )

    # The order in which articles joined tags: a tag feed's order, and what its
    # archive pages are cut by. An article tagged later comes after the tag's
    # entries so far, not among its archived ones (``services.feed.archive_cuts``).
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    tag: Mapped[str] = mapped_column(String(64))

    article: Mapped[Article] = relationship(back_populates="tags")
