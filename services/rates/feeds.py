"""What the rate feeds hold: one entry per snapshot, per pair quote, and per notable move.

- ``rates``: one entry per snapshot, titled with its date, listing every pair.
- ``pair`` (``KGS-USD``): one entry per published quote of the pair, newest
  first; its RSS items carry RSS-CB exchange-rate statistics, as the ECB's
  per-currency feeds do.
- ``rates-moves``: one entry each time a pair's rate moves by more than
  ``rates_move_threshold_pct`` percent from its previous quote, which is what
  a person wants pushed to them.

Entry ids never change: they name the snapshot and the quote
(``…/api/v1/rates/snapshots/<id>#quote-<id>``). Links lead to the /rates page
showing that snapshot.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from services.feed.render.exchange_rate import ExchangeRate
from services.feed.render.model import FeedEntry
from services.rates.history import Quote, distinct_pairs, pair_quotes, recent
from services.rates.moves import SHOWN, Move, pair_moves
from shared.models import RateQuote

# Rate entries are silkfeed's own English sentences, whatever the page was in.
ENGLISH = "en"


def pair_exists(session: Session, pair: str) -> bool:
    base, _, quote = pair.partition("-")
    return bool(
        session.scalar(select(exists().where(RateQuote.base == base, RateQuote.quote == quote)))
    )


def _snapshot_url(base_url: str, snapshot_id: int) -> str:
    return f"{base_url}/api/v1/rates/snapshots/{snapshot_id}"


def _page_url(base_url: str, snapshot_id: int) -> str:
    return f"{base_url}/rates?snapshot={snapshot_id}"


def _slug(q: Quote) -> str:
    return f"{q.base}-{q.quote}".lower()


def snapshot_entries(session: Session, base_url: str, limit: int) -> list[FeedEntry]:
    entries = []
    for snap in recent(session, limit):
        day = snap.observed_on.isoformat()
        lines = tuple(
            f"{q.pair} = {q.rate} {q.change}" + (" (conflicting quotes on the page)" * q.conflict)
            for q in snap.quotes
        )
        entries.append(
            FeedEntry(
                # The id the entries have always had: readers must not see them as new.
                guid=_snapshot_url(base_url, snap.id),
                title=f"Currency ticker, {day}",
                link=_page_url(base_url, snap.id),
                published=snap.observed_at,
                updated=snap.created_at,
                summary="; ".join(lines),
                paragraphs=lines,
                tags=tuple(sorted({_slug(q) for q in snap.quotes})),
                authors=(snap.source,),
                language=ENGLISH,
            )
        )
    return entries


def _rate_stat(q: Quote, observed: datetime) -> ExchangeRate:
    return ExchangeRate(value=str(q.rate), base=q.base, target=q.quote, observed=observed)


def pair_entries(
    session: Session, pair: tuple[str, str], base_url: str, limit: int
) -> list[FeedEntry]:
    entries = []
    for q, observed, created in pair_quotes(session, pair, limit):
        day = observed.date().isoformat()
        text = f"1 {q.base} = {q.rate} {q.quote} on {day} (change as published: {q.change})."
        if q.conflict:
            text += " The page quoted this pair more than once, with different values."
        entries.append(
            FeedEntry(
                guid=f"{_snapshot_url(base_url, q.snapshot_id)}#quote-{q.id}",
                title=f"{q.pair} {q.rate} ({q.change}), {day}",
                link=_page_url(base_url, q.snapshot_id),
                published=observed,
                updated=created,
                summary=text,
                paragraphs=(text,),
                tags=(_slug(q),),
                rss_extensions=(_rate_stat(q, observed),),
                language=ENGLISH,
            )
        )
    return entries


def move_entries(
    session: Session, base_url: str, limit: int, threshold: Decimal
) -> list[FeedEntry]:
    moves = [
        move
        for pair in distinct_pairs(session)
        for move in pair_moves(session, pair, threshold, limit)
    ]
    moves.sort(key=lambda m: (m.new_at, m.new.id), reverse=True)
    return [_move_entry(m, base_url, threshold) for m in moves[:limit]]


def shown_percent(percent: Decimal) -> Decimal:
    """The move to two decimal places, or to 28 significant digits when that
    many places do not fit: quantize would raise on a huge move."""
    try:
        return percent.quantize(Decimal("0.01"), context=SHOWN)
    except InvalidOperation:
        return SHOWN.plus(percent)


def _move_entry(m: Move, base_url: str, threshold: Decimal) -> FeedEntry:
    shown = shown_percent(m.percent)
    direction = "up" if m.percent > 0 else "down"
    day, old_day = m.new_at.date().isoformat(), m.old_at.date().isoformat()
    text = (
        f"{m.new.pair} moved from {m.old.rate} ({old_day}) to {m.new.rate} ({day}): "
        f"{shown:+}%, more than the {threshold}% threshold."
    )
    return FeedEntry(
        guid=f"{_snapshot_url(base_url, m.new.snapshot_id)}#move-{m.new.id}",
        title=f"{m.new.pair} {direction} {abs(shown)}% to {m.new.rate}, {day}",
        link=_page_url(base_url, m.new.snapshot_id),
        published=m.new_at,
        updated=m.new_created,
        summary=text,
        paragraphs=(text,),
        tags=(_slug(m.new), direction),
        rss_extensions=(_rate_stat(m.new, m.new_at),),
        language=ENGLISH,
    )
