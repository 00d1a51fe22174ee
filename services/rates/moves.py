"""A pair's notable moves: each quote compared with the pair's previous one.

The moves feed is rendered after every snapshot, and a pair's history only
grows at its end: quotes are never updated, and a new quote is almost always
newer than every stored one. So a pair's moves are worked out once, from up to
``MOVES_LOOKBACK`` quotes, and then kept in this process with what they were
worked out from (the pair's quote count and greatest id, and its newest
quote); the next render reads those version columns and compares only the
quotes added since. Anything else — a quote stored out of order (a page
observed earlier, posted later), a deleted snapshot, another database — reads
the history again, so the moves are always what a full scan gives.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from datetime import datetime
from decimal import Context, Decimal
from typing import Any

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from services.rates.history import QUOTE_COLUMNS, Pair, Q, Quote, Reader, S, pair_quotes

# The moves feed looks back at most this many quotes per pair, a page at a time:
# enough for years of a ticker quoted a few times a day, while one render of a
# very long history stays bounded (moves older than that drop out of the feed).
# A whole number of pages: a full read then looks back exactly MOVES_LOOKBACK
# quotes, the window kept moves are trimmed to.
MOVES_LOOKBACK = 20_000
_PAGE = 1_000

# Stored rates are bounded at the door, but quotes stored before that were not:
# a context whose traps are the default's, so an absurd quote raises only here.
SHOWN = Context(prec=28)


@dataclass(frozen=True, slots=True)
class Move:
    old: Quote
    old_at: datetime
    new: Quote
    new_at: datetime
    new_created: datetime
    percent: Decimal  # signed, unrounded


Row = tuple[Quote, datetime, datetime]  # a quote, its observation and arrival times


def _move(old: Row, new: Row, threshold: Decimal) -> Move | None:
    percent = SHOWN.multiply(SHOWN.divide(new[0].rate - old[0].rate, old[0].rate), 100)
    if abs(percent) <= threshold:
        return None
    return Move(old[0], old[1], new[0], new[1], new[2], percent)


def _usable(row: Row) -> bool:
    # A conflicting quote is no single value to compare; a zero rate divides nothing.
    return not row[0].conflict and bool(row[0].rate)


def scan_moves(session: Reader, pair: Pair, threshold: Decimal, limit: int) -> list[Move]:
    """The pair's newest ``limit`` moves of more than ``threshold`` percent, newest
    first, from its newest ``MOVES_LOOKBACK`` quotes: the full read."""
    return [move for move, _ in _scan(session, pair, threshold, limit)[0]]


def _scan(
    session: Reader, pair: Pair, threshold: Decimal, limit: int
) -> tuple[list[tuple[Move, int]], tuple[Row, int] | None]:
    """The moves, each with its older quote's place (1 = the newest quote), and
    the newest usable quote with its place."""
    found: list[tuple[Move, int]] = []
    newer: Row | None = None
    newest: tuple[Row, int] | None = None
    before: tuple[datetime, int] | None = None
    scanned = 0
    while len(found) < limit and scanned < MOVES_LOOKBACK:
        page = pair_quotes(session, pair, _PAGE, before)
        if not page:
            break
        for row in page:
            scanned += 1
            if not _usable(row):
                continue
            if newer is not None and (move := _move(row, newer, threshold)) is not None:
                found.append((move, scanned))
            newer = row
            newest = newest or (row, scanned)
        before = (page[-1][1], page[-1][0].id)
    return found[:limit], newest


@dataclass(frozen=True, slots=True)
class _Kept:
    """One pair's moves and what they were worked out from. Quotes are numbered
    in time order from the pair's oldest (1), numbers that later quotes leave
    alone."""

    count: int  # the pair's quotes
    last_id: int  # their greatest id
    last: tuple[datetime, int] | None  # the newest quote's place in time order
    newest: tuple[Row, int] | None  # the newest usable quote, which the next is compared with
    moves: tuple[tuple[Move, int], ...]  # newest first, each with its older quote's number


_VERSION = select(func.count(), func.max(Q.c.id))
_NEWER = (
    select(*QUOTE_COLUMNS, Q.c.snapshot_id, Q.c.observed_at, S.c.created_at)
    .select_from(Q.join(S, S.c.id == Q.c.snapshot_id))
    .order_by(Q.c.id)
)
_LAST = select(Q.c.observed_at, Q.c.id).order_by(Q.c.observed_at.desc(), Q.c.id.desc()).limit(1)

# Per database (engine) and (pair, threshold, limit); a pair's entry is small.
_KEPT: weakref.WeakKeyDictionary[Engine, dict[tuple[Pair, Decimal, int], _Kept]]
_KEPT = weakref.WeakKeyDictionary()
_KEPT_PER_ENGINE = 4096
_lock = threading.Lock()


def _engine(session: Reader) -> Engine:
    bind = session.get_bind() if isinstance(session, Session) else session
    return bind.engine if isinstance(bind, Connection) else bind


def pair_moves(session: Reader, pair: Pair, threshold: Decimal, limit: int) -> list[Move]:
    """``scan_moves``, reading only the quotes added since the last call when the
    history grew only at its end."""
    where = (Q.c.base == pair[0], Q.c.quote == pair[1])
    count, last_id = session.execute(_VERSION.where(*where)).one()
    key, engine = (pair, threshold, limit), _engine(session)
    with _lock:
        kept = _KEPT.get(engine, {}).get(key)
    fresh = _extend(session, kept, pair, count, last_id or 0, threshold, limit) if kept else None
    if fresh is None:
        fresh = _full(session, where, pair, threshold, limit, count, last_id or 0)
        if session.execute(_VERSION.where(*where)).one() != (count, last_id):
            # Quotes arrived while it read (a database whose statements each see
            # the newest commits): right for now, but not what the version says.
            return [move for move, _ in fresh.moves]
    with _lock:
        mine = _KEPT.setdefault(engine, {})
        if len(mine) >= _KEPT_PER_ENGINE:
            mine.clear()
        mine[key] = fresh
    return [move for move, _ in fresh.moves]


def _full(
    session: Reader,
    where: tuple[Any, ...],
    pair: Pair,
    threshold: Decimal,
    limit: int,
    count: int,
    last_id: int,
) -> _Kept:
    moves, newest = _scan(session, pair, threshold, limit)
    last = session.execute(_LAST.where(*where)).first()
    # Places counted from the newest quote become numbers from the oldest.
    return _Kept(
        count=count,
        last_id=last_id,
        last=(last[0], last[1]) if last is not None else None,
        newest=(newest[0], count + 1 - newest[1]) if newest is not None else None,
        moves=tuple((move, count + 1 - place) for move, place in moves),
    )


def _extend(
    session: Reader,
    kept: _Kept,
    pair: Pair,
    count: int,
    last_id: int,
    threshold: Decimal,
    limit: int,
) -> _Kept | None:
    """``kept`` brought up to date from the quotes added since; None when the
    history changed otherwise (it must be read again)."""
    if count == kept.count and last_id == kept.last_id:
        return kept
    if count <= kept.count or last_id <= kept.last_id:
        return None
    # By id alone: a range of the primary key holding only what was added
    # (this pair's own index would be walked whole), then the pair's quotes in
    # time order.
    added_rows = session.execute(_NEWER.where(Q.c.id > kept.last_id)).all()
    rows = sorted(
        (r for r in added_rows if (r.base, r.quote) == pair), key=lambda r: (r.observed_at, r.q_id)
    )
    if count != kept.count + len(rows):
        return None  # some quotes were deleted
    if kept.last is not None and (rows[0].observed_at, rows[0].q_id) <= kept.last:
        return None  # stored before the newest quote in time: moves in between change
    newest, found = kept.newest, []
    for number, r in enumerate(rows, start=kept.count + 1):
        row = (Quote.of(r), r.observed_at, r.created_at)
        if not _usable(row):
            continue
        if newest is not None and (move := _move(newest[0], row, threshold)) is not None:
            found.append((move, newest[1]))  # numbered by its older quote
        newest = (row, number)
    # A full read looks back MOVES_LOOKBACK quotes from the newest one.
    oldest = count - MOVES_LOOKBACK + 1
    moves = [(m, n) for m, n in [*reversed(found), *kept.moves] if n >= oldest][:limit]
    last = (rows[-1].observed_at, rows[-1].q_id)
    return _Kept(count, last_id, last, newest, tuple(moves))
