"""What the rate feeds hold: one entry per snapshot, per pair, and per notable move."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from services.feed.entries import FeedSpec
from services.feed.render.model import FeedEntry
from shared.models import RateQuote, RateSnapshot


def pair_exists(session: Session, pair: str) -> bool:
    base, _, quote = pair.partition("-")
    return bool(
        session.scalar(select(exists().where(RateQuote.base == base, RateQuote.quote == quote)))
    )


def rate_feed_entries(
    session: Session, spec: FeedSpec, base_url: str, limit: int
) -> list[FeedEntry]:
    if spec.kind == "rates":
        return snapshot_entries(session, base_url, limit)
    raise ValueError(f"no rate feed of kind {spec.kind!r} yet")


def snapshot_entries(session: Session, base_url: str, limit: int) -> list[FeedEntry]:
    snapshots = session.scalars(
        select(RateSnapshot)
        .options(selectinload(RateSnapshot.quotes))
        .order_by(RateSnapshot.observed_at.desc(), RateSnapshot.id.desc())
        .limit(limit)
    ).all()
    entries = []
    for snap in snapshots:
        day = snap.observed_on.isoformat()
        lines = tuple(f"{q.base}/{q.quote} = {q.rate} {q.change}" for q in snap.quotes)
        entries.append(
            FeedEntry(
                guid=f"{base_url}/api/v1/rates/snapshots/{snap.id}",
                title=f"Currency ticker, {day}",
                link=f"{base_url}/api/v1/rates/{day}",
                published=snap.observed_at,
                updated=snap.created_at,
                summary="; ".join(lines),
                paragraphs=lines,
                tags=tuple(sorted({f"{q.base}-{q.quote}".lower() for q in snap.quotes})),
                author=snap.source,
            )
        )
    return entries
