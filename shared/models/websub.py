"""Tables written by the feed service's WebSub hub: intents awaiting verification and
verified subscriptions. The secret is kept to sign deliveries; nothing ever shows it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Base, UTCDateTime

# Topic and callback URLs are bounded at intake; the columns hold the bound.
URL_LENGTH = 2000
SECRET_LENGTH = 200  # WebSub: a secret MUST be less than 200 bytes


class WebSubIntent(Base):
    """A subscribe or unsubscribe request, accepted (202) and not yet verified."""

    __tablename__ = "websub_intents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mode: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(URL_LENGTH))
    topic_key: Mapped[str] = mapped_column(String(255))
    callback: Mapped[str] = mapped_column(String(URL_LENGTH))
    lease_seconds: Mapped[int] = mapped_column(Integer)
    secret: Mapped[str | None] = mapped_column(String(SECRET_LENGTH))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebSubSubscription(Base):
    """A verified subscription: deliveries of ``topic_key`` go to ``callback`` until expiry."""

    __tablename__ = "websub_subscriptions"
    __table_args__ = (
        UniqueConstraint("topic_key", "callback"),
        Index("ix_websub_subscriptions_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(URL_LENGTH))
    topic_key: Mapped[str] = mapped_column(String(255))
    callback: Mapped[str] = mapped_column(String(URL_LENGTH))
    secret: Mapped[str | None] = mapped_column(String(SECRET_LENGTH))
    lease_seconds: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set by the first failed delivery, cleared by a success: a callback failing
    # for longer than the configured bound is dropped.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
