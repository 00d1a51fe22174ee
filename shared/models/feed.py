"""Tables written by the feed service: feed documents rendered once and served many times."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Base, UTCDateTime


class RenderedFeed(Base):
    """The stored bytes and validators of one feed document (feed, format and query)."""

    __tablename__ = "rendered_feeds"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(100))
    etag: Mapped[str] = mapped_column(String(80))
    last_modified: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the data this render read was current; a refresh requested before
    # this moment is already reflected and is skipped (render coalescing).
    as_of: Mapped[datetime] = mapped_column(UTCDateTime)
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Last: SQLite reaches a column past a large value through its overflow
    # pages, and most questions asked of this table are about the small ones.
    body: Mapped[bytes] = mapped_column(LargeBinary)


class ArchiveCut(Base):
    """Where one RFC 5005 archive page of an article feed ends, fixed when it is cut.

    Page ``page`` holds the feed's entries whose key (the article's id; for a
    tag feed, when it joined the tag: ``ArticleTag.id``) is above the previous
    page's ``last_key`` and at most its own. Entries leaving or joining the feed
    later change no other page's bounds: they were cut by keys, not positions.
    """

    __tablename__ = "archive_cuts"

    feed: Mapped[str] = mapped_column(String(255), primary_key=True)
    page: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_key: Mapped[int] = mapped_column(Integer)
