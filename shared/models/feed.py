"""Tables written by the feed service: feed documents rendered once and served many times."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
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
