"""Each pair's most recent quote across snapshots: what ``/api/v1/rates/latest`` answers.

A page's ticker may carry only some of the pairs that pages before it did; the
newest snapshot alone would leave the others out of ``latest``. So ``latest``
holds the newest snapshot's quotes, as published and in its order, then each
other pair ever quoted at its last quote, by pair: its row of its last day in
``rate_day_closes`` (a pair's last quote of a day, which triggers keep, as the
daily series read it). Every quote carries its own snapshot and time, so a
client can tell how old each is.

Bounded by the pairs ever quoted, never by the length of the history: the pairs
are a loose index scan (``distinct_pairs``), and each pair's last close one seek
on the primary key (base, quote, day).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, String, and_, column, func, select, values

from services.rates.history import (
    ONE,
    D,
    Pair,
    Quote,
    Reader,
    S,
    Snapshot,
    distinct_pairs,
    latest,
    siblings,
)

# Pairs per statement: two parameters each, far under either database's limit.
_CHUNK = 200
_LATER = D.alias("later")


_LAST_STORED = select(func.max(S.c.id))


def last_stored_id(session: Reader) -> int | None:
    """The id of the snapshot stored last (one seek): any snapshot stored, even one
    observed before the newest, may hold a pair's most recent quote."""
    return session.scalar(_LAST_STORED)


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
    others = [pair for pair in distinct_pairs(session) if pair not in quoted]
    return dataclasses.replace(snap, quotes=own + tuple(last_quotes(session, others)))


def last_quotes(session: Reader, pairs: Sequence[Pair]) -> list[Quote]:
    """Each pair's last quote (all its values when that snapshot quoted it twice),
    sorted by pair; a pair never quoted is left out."""
    found: list[Quote] = []
    for start in range(0, len(pairs), _CHUNK):
        chunk = pairs[start : start + _CHUNK]
        for row in session.execute(_last_closes(chunk)):
            found += _quotes(session, row)
    return found


def _last_closes(pairs: Sequence[Pair]) -> Select[Any]:
    # A WITH: SQLite names no columns of a VALUES in FROM.
    wanted = (
        values(column("base", String), column("quote", String), name="wanted")
        .data(list(pairs))
        .cte("wanted")
    )
    # The pair's last day: the last entry of its primary-key range, one seek.
    last_day = (
        select(_LATER.c.day)
        .where(_LATER.c.base == wanted.c.base, _LATER.c.quote == wanted.c.quote)
        .order_by(_LATER.c.day.desc())
        .limit(ONE)
        .scalar_subquery()
    )
    return (
        select(
            D.c.base,
            D.c.quote,
            D.c.day,
            D.c.rate,
            D.c.change,
            D.c.conflict,
            D.c.snapshot_id,
            D.c.quote_id,
            D.c.observed_at,
        )
        .select_from(wanted.join(D, and_(D.c.base == wanted.c.base, D.c.quote == wanted.c.quote)))
        .where(D.c.day == last_day)
        .order_by(D.c.base, D.c.quote)
    )


def _quotes(session: Reader, row: Any) -> list[Quote]:
    # SQLite hands a date back as text; PostgreSQL as a date.
    day = row.day if isinstance(row.day, date) else date.fromisoformat(str(row.day))
    when = {"observed_at": row.observed_at, "observed_on": day}
    if row.conflict:
        pair = (row.base, row.quote)
        return [dataclasses.replace(q, **when) for q in siblings(session, row.snapshot_id, pair)]
    ids = {"id": row.quote_id, "snapshot_id": row.snapshot_id, "conflict": False}
    return [Quote(row.base, row.quote, row.rate, row.change, **ids, **when)]
