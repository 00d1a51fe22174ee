"""Reading rate history: snapshots and their quotes, exactly as stored, from indexes.

Every query here is answered by index seeks rather than scans, so its cost does
not grow with the length of the history (``bench/bench_rates.py`` checks):

- the latest snapshot: one seek on (observed_at, id);
- the last snapshot on or before a day: one seek on (observed_on, observed_at, id);
- a pair's daily series: one primary-key range on ``rate_day_closes``;
- the distinct pairs: a loose index scan on (base, quote, observed_at), one seek
  per pair.

Core selects rather than ORM entities: these are read-only values, and the
latest snapshot is served on every request, where ORM overhead would dominate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import Session

from shared.models import RateQuote, RateSnapshot
from shared.models.rates import RateDayClose

S = RateSnapshot.__table__
Q = RateQuote.__table__
D = RateDayClose.__table__
Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Quote:
    id: int
    snapshot_id: int
    base: str
    quote: str
    rate: Decimal  # exact: str(rate) is the published text
    change: str  # as published: "-0%" stays distinct from "0%"
    conflict: bool  # the pair was quoted with another value on the same page

    @property
    def pair(self) -> str:
        return f"{self.base}/{self.quote}"


@dataclass(frozen=True, slots=True)
class Snapshot:
    id: int
    observed_at: datetime
    observed_on: date
    source: str
    submission_id: str
    has_conflicts: bool
    created_at: datetime
    quotes: tuple[Quote, ...]


_SNAPSHOT_COLUMNS = (
    S.c.id,
    S.c.observed_at,
    S.c.observed_on,
    S.c.source,
    S.c.submission_id,
    S.c.has_conflicts,
    S.c.created_at,
)
_QUOTE_COLUMNS = (
    Q.c.id.label("q_id"),
    Q.c.base,
    Q.c.quote,
    Q.c.rate,
    Q.c.change,
    Q.c.conflict,
)
# Newest first, the order every "last snapshot" question asks for.
_DAY_ORDER = (S.c.observed_on.desc(), S.c.observed_at.desc(), S.c.id.desc())


def _pair_filter(pairs: Sequence[Pair] | None) -> ColumnElement[bool] | None:
    if pairs is None:
        return None
    if not pairs:
        return false()
    return or_(*(and_(Q.c.base == b, Q.c.quote == q) for b, q in pairs))


def _snapshots(rows: Iterable[Any]) -> list[Snapshot]:
    """Rows of (snapshot columns, quote columns), grouped by snapshot in row order."""
    heads: dict[int, Any] = {}
    quotes: dict[int, list[Quote]] = {}
    for row in rows:
        if row.id not in heads:
            heads[row.id], quotes[row.id] = row, []
        if row.q_id is not None:
            quotes[row.id].append(
                Quote(row.q_id, row.id, row.base, row.quote, row.rate, row.change, row.conflict)
            )
    return [
        Snapshot(
            h.id,
            h.observed_at,
            h.observed_on,
            h.source,
            h.submission_id,
            h.has_conflicts,
            h.created_at,
            tuple(quotes[sid]),
        )
        for sid, h in heads.items()
    ]


def _with_quotes(snapshot_id: Any, pairs: Sequence[Pair] | None = None) -> Select[Any]:
    on = Q.c.snapshot_id == S.c.id
    if (flt := _pair_filter(pairs)) is not None:
        on = and_(on, flt)
    return (
        select(*_SNAPSHOT_COLUMNS, *_QUOTE_COLUMNS)
        .select_from(S.outerjoin(Q, on))
        .where(S.c.id == snapshot_id)
        .order_by(Q.c.id)
    )


def _one(session: Session, snapshot_id: Any, pairs: Sequence[Pair] | None) -> Snapshot | None:
    found = _snapshots(session.execute(_with_quotes(snapshot_id, pairs)))
    return found[0] if found else None


def latest(session: Session, pairs: Sequence[Pair] | None = None) -> Snapshot | None:
    """The newest snapshot (by observation time, then arrival), with its quotes."""
    newest = (
        select(S.c.id).order_by(S.c.observed_at.desc(), S.c.id.desc()).limit(1).scalar_subquery()
    )
    return _one(session, newest, pairs)


def on_or_before(
    session: Session, day: date, pairs: Sequence[Pair] | None = None
) -> Snapshot | None:
    """The last snapshot observed on ``day`` or, failing that, on the latest earlier day."""
    last = select(S.c.id).where(S.c.observed_on <= day).order_by(*_DAY_ORDER).limit(1)
    return _one(session, last.scalar_subquery(), pairs)


def by_id(session: Session, snapshot_id: int) -> Snapshot | None:
    return _one(session, snapshot_id, None)


def latest_day(session: Session) -> date | None:
    return session.scalar(select(func.max(S.c.observed_on)))


def daily_quotes(
    session: Session, pairs: Sequence[Pair], start: date, end: date
) -> list[tuple[date, Quote]]:
    """Each pair's last quote of each (UTC) day from ``start`` to ``end`` (inclusive).

    Sorted by day, then pair; days on which a pair was not quoted are absent.
    One primary-key range per pair on ``rate_day_closes``, which triggers keep
    (see the model): a year is 365 rows however many quotes a day has.
    """
    if not pairs:
        return []
    rows = session.execute(
        select(
            D.c.day,
            D.c.quote_id,
            D.c.snapshot_id,
            D.c.base,
            D.c.quote,
            D.c.rate,
            D.c.change,
            D.c.conflict,
        )
        .where(or_(*(and_(D.c.base == b, D.c.quote == q) for b, q in pairs)))
        .where(D.c.day >= start, D.c.day <= end)
        .order_by(D.c.day, D.c.base, D.c.quote)
    )
    return [(r[0], Quote(*r[1:])) for r in rows]


def siblings(session: Session, quote: Quote) -> list[Quote]:
    """Every quote of ``quote``'s pair in its snapshot: more than one when they conflict."""
    rows = session.execute(
        select(*_QUOTE_COLUMNS, Q.c.snapshot_id)
        .where(Q.c.snapshot_id == quote.snapshot_id, Q.c.base == quote.base)
        .where(Q.c.quote == quote.quote)
        .order_by(Q.c.id)
    )
    return [
        Quote(r.q_id, r.snapshot_id, r.base, r.quote, r.rate, r.change, r.conflict) for r in rows
    ]


def distinct_pairs(session: Session) -> list[Pair]:
    """Every pair ever quoted, sorted: a loose index scan, about two seeks per pair."""
    found: list[Pair] = []
    while True:
        row = None
        if found:
            base, quote = found[-1]
            # Two plain range seeks: SQLite does not seek on a row-value comparison.
            row = session.execute(
                select(Q.c.base, Q.c.quote)
                .where(Q.c.base == base, Q.c.quote > quote)
                .order_by(Q.c.quote)
                .limit(1)
            ).first()
        if row is None:
            query = select(Q.c.base, Q.c.quote).order_by(Q.c.base, Q.c.quote).limit(1)
            if found:
                query = query.where(Q.c.base > found[-1][0])
            row = session.execute(query).first()
        if row is None:
            return found
        found.append((row.base, row.quote))


def pair_span(session: Session, pair: Pair) -> tuple[datetime, datetime] | None:
    """First and last observation time of a pair (two index seeks)."""
    where = and_(Q.c.base == pair[0], Q.c.quote == pair[1])
    first = select(func.min(Q.c.observed_at)).where(where).scalar_subquery()
    last = select(func.max(Q.c.observed_at)).where(where).scalar_subquery()
    row = session.execute(select(first, last)).one()
    return None if row[0] is None else (row[0], row[1])


def pair_quotes(
    session: Session, pair: Pair, limit: int, before: tuple[datetime, int] | None = None
) -> list[tuple[Quote, datetime, datetime]]:
    """A pair's quotes newest first, with each snapshot's observation and arrival times.

    ``before`` continues a previous page (keyset pagination on (observed_at, id)).
    """
    query = (
        select(*_QUOTE_COLUMNS, Q.c.snapshot_id, Q.c.observed_at, S.c.created_at)
        .select_from(Q.join(S, S.c.id == Q.c.snapshot_id))
        .where(Q.c.base == pair[0], Q.c.quote == pair[1])
        .order_by(Q.c.observed_at.desc(), Q.c.id.desc())
        .limit(limit)
    )
    if before is not None:
        at, qid = before
        query = query.where(or_(Q.c.observed_at < at, and_(Q.c.observed_at == at, Q.c.id < qid)))
    return [
        (
            Quote(r.q_id, r.snapshot_id, r.base, r.quote, r.rate, r.change, r.conflict),
            r.observed_at,
            r.created_at,
        )
        for r in session.execute(query)
    ]
