"""Each pair's most recent quote across snapshots: what ``/api/v1/rates/latest`` answers.

A page's ticker may carry only some of the pairs that pages before it did; the
newest snapshot alone would leave the others out of ``latest``. So ``latest``
holds the newest snapshot's quotes, as published and in its order, then each
other pair ever quoted at its last quote, by pair: its row of its last day in
``rate_day_closes`` (a pair's last quote of a day, which triggers keep, as the
daily series read it). Every quote carries its own snapshot and time, so a
client can tell how old each is.

One statement, bounded by the pairs ever quoted and never by the length of the
history: a loose index scan walks the pairs of ``rate_day_closes``' primary key
(base, quote, day), a recursive query of a few seeks per pair, and each value
of a pair's last close is one more seek.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from sqlalchemy import Select, String, case, cast, func, select

from services.rates.history import ONE, D, Quote, Reader, Snapshot, latest, siblings


def latest_quotes(session: Reader) -> Snapshot | None:
    """The newest snapshot (its head as ``latest`` gives it), holding each pair's most
    recent quote: its own quotes, then the last quote of every other pair ever quoted."""
    snap = latest(session)
    if snap is None:
        return None
    own = tuple(
        dataclasses.replace(q, observed_at=snap.observed_at, observed_on=snap.observed_on)
        for q in snap.quotes
    )
    quoted = {(q.base, q.quote) for q in own}
    others = [
        quote
        for row in session.execute(_LAST_CLOSES)
        if (row.base, row.quote) not in quoted
        for quote in _quotes(session, row)
    ]
    return dataclasses.replace(snap, quotes=own + tuple(others))


def _pairs_walk() -> Any:
    """Every (base, quote) of ``rate_day_closes`` in order, a few seeks each: from a
    pair, the next quote of its base, else the first pair of the next base."""
    # Text without a length: PostgreSQL wants both halves of the union to agree.
    first = (
        select(cast(D.c.base, String).label("base"), cast(D.c.quote, String).label("quote"))
        .order_by(D.c.base, D.c.quote)
        .limit(ONE)
        .subquery("first_pair")
    )
    walk = select(first.c.base, first.c.quote).cte("pairs_walk", recursive=True)
    at = walk.alias("at_pair")
    seek = D.alias("seek")
    same_base = (
        select(seek.c.quote)
        .where(seek.c.base == at.c.base, seek.c.quote > at.c.quote)
        .order_by(seek.c.quote)
        .limit(ONE)
        .scalar_subquery()
    )
    following = select(seek.c.base, seek.c.quote).where(seek.c.base > at.c.base)
    following = following.order_by(seek.c.base, seek.c.quote).limit(ONE)
    next_base = following.with_only_columns(seek.c.base).scalar_subquery()
    next_quote = following.with_only_columns(seek.c.quote).scalar_subquery()
    step = select(
        cast(case((same_base.is_not(None), at.c.base), else_=next_base), String).label("base"),
        cast(func.coalesce(same_base, next_quote), String).label("quote"),
    ).where(at.c.base.is_not(None))
    return walk.union_all(step)


def _last_closes() -> Select[Any]:
    """Each pair's row of its last day, a seek per value: a join of the pairs with
    ``rate_day_closes`` may be planned as a scan of the table (SQLite did, with
    statistics), and a scalar subquery per value leaves no plan but the walk's."""
    walk = _pairs_walk()
    later = D.alias("later")

    def last(name: str) -> Any:
        return (
            select(later.c[name])
            .where(later.c.base == walk.c.base, later.c.quote == walk.c.quote)
            .order_by(later.c.day.desc())
            .limit(ONE)
            .scalar_subquery()
            .label(name)
        )

    names = ("day", "rate", "change", "conflict", "snapshot_id", "quote_id", "observed_at")
    return (
        select(walk.c.base, walk.c.quote, *map(last, names))
        .where(walk.c.base.is_not(None))
        .order_by(walk.c.base, walk.c.quote)
    )


# Built once: it has no parameters.
_LAST_CLOSES = _last_closes()


def _quotes(session: Reader, row: Any) -> list[Quote]:
    # SQLite may hand a date back as text; PostgreSQL as a date.
    day = row.day if isinstance(row.day, date) else date.fromisoformat(str(row.day))
    when = {"observed_at": row.observed_at, "observed_on": day}
    if row.conflict:
        pair = (row.base, row.quote)
        return [dataclasses.replace(q, **when) for q in siblings(session, row.snapshot_id, pair)]
    ids = {"id": row.quote_id, "snapshot_id": row.snapshot_id, "conflict": False}
    return [Quote(row.base, row.quote, row.rate, row.change, **ids, **when)]
