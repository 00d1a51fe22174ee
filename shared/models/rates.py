"""Tables written by the rates service: ticker snapshots and their quotes, exactly as published."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.db import Base, ExactDecimal, UTCDateTime, utcnow


class RateSnapshot(Base):
    """The distinct quotes of one page's ticker at one observation time."""

    __tablename__ = "rate_snapshots"
    # The same ticker seen again at the same time is the same snapshot: this is
    # what makes a redelivered or repeated task store nothing new.
    __table_args__ = (
        UniqueConstraint("observed_at", "digest"),
        Index("ix_rate_snapshots_observed", "observed_at", "id"),
        # Each day's last snapshot, one index seek per day (the daily series).
        Index("ix_rate_snapshots_day", "observed_on", "observed_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    observed_on: Mapped[date] = mapped_column(Date)
    digest: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(100))
    submission_id: Mapped[str] = mapped_column(String(32), index=True)
    has_conflicts: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    quotes: Mapped[list[RateQuote]] = relationship(
        back_populates="snapshot", cascade="all, delete-orphan", order_by="RateQuote.id"
    )


class RateQuote(Base):
    __tablename__ = "rate_quotes"
    __table_args__ = (
        UniqueConstraint("snapshot_id", "base", "quote", "rate", "change"),
        # History of one pair, newest first, answered from the index alone.
        Index("ix_rate_quotes_pair_time", "base", "quote", "observed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("rate_snapshots.id", ondelete="CASCADE"))
    base: Mapped[str] = mapped_column(String(3))
    quote: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(ExactDecimal)
    change: Mapped[str] = mapped_column(String(16))
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when the same pair appears on one page with another value.
    conflict: Mapped[bool] = mapped_column(Boolean, default=False)

    snapshot: Mapped[RateSnapshot] = relationship(back_populates="quotes")


class RateDayClose(Base):
    """Each pair's last quote of each UTC day: what a daily series reads, one row a day.

    Kept by database triggers on ``rate_quotes`` (migration 0002), not by
    application code, so every writer keeps it right: an insert replaces the
    day's row when it is later (by observation time, then id), a delete falls
    back to the day's previous quote. Quotes are never updated. A one-year
    series is then one index range of 365 rows instead of a walk over every
    quote of the year.
    """

    __tablename__ = "rate_day_closes"
    # On SQLite the rows live in the primary key's b-tree: a range is one read.
    __table_args__ = ({"sqlite_with_rowid": False},)

    base: Mapped[str] = mapped_column(String(3), primary_key=True)
    quote: Mapped[str] = mapped_column(String(3), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    # Not indexed, nor a foreign key (the delete trigger finds a close by its
    # day): then replacing a day's close changes no indexed column, which
    # PostgreSQL does in place (a HOT update) instead of growing the indexes.
    quote_id: Mapped[int] = mapped_column(Integer)
    snapshot_id: Mapped[int] = mapped_column(Integer)
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rate: Mapped[Decimal] = mapped_column(ExactDecimal)
    change: Mapped[str] = mapped_column(String(16))
    conflict: Mapped[bool] = mapped_column(Boolean)


class RateSnapshotSource(Base):
    """Every submission whose ticker delivered a snapshot (a repeated ticker adds a row
    here, not a snapshot). A done submission with quotes but no row here lost its
    snapshot message, and the ingest outbox relay sends the submission again."""

    __tablename__ = "rate_snapshot_sources"

    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("rate_snapshots.id", ondelete="CASCADE"), primary_key=True
    )
    submission_id: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)
