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
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from shared.models import RateQuote, RateSnapshot
from shared.models.rates import RateDayClose
from shared.quotes import Quote as PublishedQuote
from shared.quotes import pair_name

S = RateSnapshot.__table__
Q = RateQuote.__table__
D = RateDayClose.__table__
Pair = tuple[str, str]
# Reads run on an ORM session (feed rendering) or a bare connection (the API).
Reader = Session | Connection


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote(PublishedQuote):
    """A stored quote: as published (``rate`` exact, ``change`` as text), and where it is."""

    id: int
    snapshot_id: int
    conflict: bool  # the pair was quoted with another value on the same page
    # Given where quotes of several snapshots are answered together (``latest_quotes``).
    observed_at: datetime | None = None
    observed_on: date | None = None

    @classmethod
    def of(cls, row: Any) -> Quote:
        """From a row with ``q_id, snapshot_id, base, quote, rate, change, conflict``."""
        ids = {"id": row.q_id, "snapshot_id": row.snapshot_id, "conflict": row.conflict}
        return cls(row.base, row.quote, row.rate, row.change, **ids)


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
QUOTE_COLUMNS = (
    Q.c.id.label("q_id"),
    Q.c.base,
    Q.c.quote,
    Q.c.rate,
    Q.c.change,
    Q.c.conflict,
)
# Newest first, the order every "last snapshot" question asks for.
_DAY_ORDER = (S.c.observed_on.desc(), S.c.observed_at.desc(), S.c.id.desc())


def _snapshots(rows: Iterable[Sequence[Any]]) -> list[Snapshot]:
    """Rows of (snapshot columns, quote columns), grouped by snapshot in row order."""
    heads: dict[int, Sequence[Any]] = {}
    quotes: dict[int, list[Quote]] = {}
    for row in rows:
        sid = row[0]
        if sid not in heads:
            heads[sid], quotes[sid] = row, []
        if row[7] is not None:  # an outer join: a snapshot may have no quotes
            base, quote, rate, change, conflict = row[8:13]
            quotes[sid].append(
                Quote(base, quote, rate, change, id=row[7], snapshot_id=sid, conflict=conflict)
            )
    return [Snapshot(*h[:7], tuple(quotes[sid])) for sid, h in heads.items()]


def _with_quotes(snapshot_id: Any) -> Select[Any]:
    return (
        select(*_SNAPSHOT_COLUMNS, *QUOTE_COLUMNS)
        .select_from(S.outerjoin(Q, Q.c.snapshot_id == S.c.id))
        .where(S.c.id == snapshot_id)
        .order_by(Q.c.id)
    )


# LIMIT written into the SQL rather than bound: PostgreSQL's generic plan for a
# prepared statement cannot know a bound limit is 1, and may plan a sort.
ONE = literal_column("1")
# The snapshot ``latest`` answers with: one seek on (observed_at, id).
_NEWEST_ID = select(S.c.id).order_by(S.c.observed_at.desc(), S.c.id.desc()).limit(ONE)
# Built once: the latest snapshot is read on every request to the API and the page.
_LATEST = _with_quotes(_NEWEST_ID.scalar_subquery())
_ON_OR_BEFORE = _with_quotes(
    select(S.c.id)
    .where(S.c.observed_on <= bindparam("day", type_=Date))
    .order_by(*_DAY_ORDER)
    .limit(ONE)
    .scalar_subquery()
)
_BY_ID = _with_quotes(bindparam("snapshot_id", type_=Integer))


def _one(session: Reader, query: Select[Any], **params: Any) -> Snapshot | None:
    found = _snapshots(session.execute(query, params).all())
    return found[0] if found else None


class _Direct:
    """A statement without parameters, run on the driver's own cursor.

    For the one read every API and page request makes: SQLAlchemy's execution
    path costs more than the indexed read itself (about 0.15 ms of 0.25 on
    PostgreSQL, measured). The SQL is compiled once per dialect, and values
    are converted by the same processors SQLAlchemy would apply.
    """

    def __init__(self, query: Select[Any]) -> None:
        self.query = query
        self.compiled: dict[str, tuple[str, list[tuple[int, Any]]]] = {}

    def rows(self, reader: Reader) -> list[tuple[Any, ...]]:
        conn = reader.connection() if isinstance(reader, Session) else reader
        dialect = conn.dialect
        if dialect.name not in self.compiled:
            processors = [
                (i, proc)
                for i, c in enumerate(self.query.selected_columns)
                if (proc := c.type.dialect_impl(dialect).result_processor(dialect, None))
            ]
            # Literal binds: the only values are constants (SQLite adds OFFSET 0).
            sql = self.query.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
            self.compiled[dialect.name] = (str(sql), processors)
        sql, processors = self.compiled[dialect.name]
        dbapi_conn = conn.connection.dbapi_connection
        assert dbapi_conn is not None
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute(sql)
            raw = cursor.fetchall()
        except dialect.loaded_dbapi.Error as exc:
            # What SQLAlchemy's own execution would do: a dropped connection is
            # discarded (with the rest of the pool, likely dropped too) and the
            # error says so, so ``read_view`` can retry on a fresh connection.
            dropped = dialect.is_disconnect(exc, dbapi_conn, cursor)
            if dropped:
                conn.invalidate(exc)
                conn.engine.dispose(close=False)
            raise DBAPIError.instance(
                sql, None, exc, dialect.loaded_dbapi.Error, connection_invalidated=dropped
            ) from exc
        finally:
            cursor.close()
        rows = []
        for row in raw:
            values = list(row)
            for i, proc in processors:
                values[i] = proc(values[i])
            rows.append(tuple(values))
        return rows


_LATEST_DIRECT = _Direct(_LATEST)


def latest(session: Reader) -> Snapshot | None:
    """The newest snapshot (by observation time, then arrival), with its quotes."""
    found = _snapshots(_LATEST_DIRECT.rows(session))
    return found[0] if found else None


def recent(session: Reader, limit: int) -> list[Snapshot]:
    """The ``limit`` newest snapshots with their quotes, newest first."""
    newest = select(S.c.id).order_by(S.c.observed_at.desc(), S.c.id.desc()).limit(limit).subquery()
    query = (
        select(*_SNAPSHOT_COLUMNS, *QUOTE_COLUMNS)
        .select_from(S.join(newest, newest.c.id == S.c.id).outerjoin(Q, Q.c.snapshot_id == S.c.id))
        .order_by(S.c.observed_at.desc(), S.c.id.desc(), Q.c.id)
    )
    return _snapshots(session.execute(query))


def on_or_before(session: Reader, day: date) -> Snapshot | None:
    """The last snapshot observed on ``day`` or, failing that, on the latest earlier day."""
    return _one(session, _ON_OR_BEFORE, day=day)


def by_id(session: Reader, snapshot_id: int) -> Snapshot | None:
    return _one(session, _BY_ID, snapshot_id=snapshot_id)


def latest_day(session: Reader) -> date | None:
    return session.scalar(select(func.max(S.c.observed_on)))


class DailyClose(NamedTuple):
    """A pair's last quote of a day, its values as stored text."""

    day: str  # YYYY-MM-DD
    base: str
    quote: str
    rate: str  # exact decimal text as published
    change: str
    conflict: bool
    snapshot_id: int
    quote_id: int

    @property
    def pair(self) -> str:
        return pair_name(self.base, self.quote)

    def as_quote(self) -> Quote:
        return Quote(
            self.base,
            self.quote,
            Decimal(self.rate),
            self.change,
            id=self.quote_id,
            snapshot_id=self.snapshot_id,
            conflict=bool(self.conflict),
        )


_IN_RANGE = (D.c.day >= bindparam("start", type_=Date), D.c.day <= bindparam("end", type_=Date))
# The stored text of a rate, not a Decimal: a series is passed on as published.
_RATE_TEXT = type_coerce(D.c.rate, String)
# Built once, and only what a published series shows: a one-pair series is what
# charts and most API clients ask for, and each column of a year's rows costs.
_PAIR_RATES = (
    select(D.c.day, _RATE_TEXT, D.c.conflict)
    .where(D.c.base == bindparam("base"), D.c.quote == bindparam("quote"), *_IN_RANGE)
    .order_by(D.c.day)
)


def daily_rates(session: Reader, pair: Pair, start: date, end: date) -> list[tuple[str, str, bool]]:
    """(day, rate text, conflict) of a pair's last quote of each (UTC) day, oldest first.

    One primary-key range on ``rate_day_closes``, which triggers keep (see the
    model): a year is 365 rows however many quotes a day has.
    """
    params = {"base": pair[0], "quote": pair[1], "start": start, "end": end}
    # str() of a date object (PostgreSQL) or of SQLite's stored text: ISO either way.
    return [(str(d), r, c) for d, r, c in session.execute(_PAIR_RATES, params)]


def daily_closes(
    session: Reader, pairs: Sequence[Pair], start: date, end: date
) -> list[DailyClose]:
    """Every column of each pair's last quote of each day, sorted by day, then pair."""
    if not pairs:
        return []
    query = (
        select(
            D.c.day,
            D.c.base,
            D.c.quote,
            _RATE_TEXT,
            D.c.change,
            D.c.conflict,
            D.c.snapshot_id,
            D.c.quote_id,
        )
        .where(or_(*(and_(D.c.base == b, D.c.quote == q) for b, q in pairs)), *_IN_RANGE)
        .order_by(D.c.day, D.c.base, D.c.quote)
    )
    rows = session.execute(query, {"start": start, "end": end})
    return [DailyClose(str(r[0]), *r[1:]) for r in rows]


def conflicting_on(session: Reader, pair: Pair, day: str) -> list[Quote]:
    """The quotes of a pair in the snapshot that closed ``day``: all its values that day."""
    close = (
        select(D.c.snapshot_id)
        .where(D.c.base == pair[0], D.c.quote == pair[1], D.c.day == date.fromisoformat(day))
        .scalar_subquery()
    )
    return siblings(session, close, pair)


def siblings(session: Reader, snapshot_id: Any, pair: Pair) -> list[Quote]:
    """Every quote of a pair in one snapshot: more than one when they conflict."""
    rows = session.execute(
        select(*QUOTE_COLUMNS, Q.c.snapshot_id)
        .where(Q.c.snapshot_id == snapshot_id, Q.c.base == pair[0], Q.c.quote == pair[1])
        .order_by(Q.c.id)
    )
    return [Quote.of(r) for r in rows]


def distinct_pairs(session: Reader) -> list[Pair]:
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
                .limit(ONE)
            ).first()
        if row is None:
            query = select(Q.c.base, Q.c.quote).order_by(Q.c.base, Q.c.quote).limit(ONE)
            if found:
                query = query.where(Q.c.base > found[-1][0])
            row = session.execute(query).first()
        if row is None:
            return found
        found.append((row.base, row.quote))


def pair_span(session: Reader, pair: Pair) -> tuple[datetime, datetime] | None:
    """First and last observation time of a pair (two index seeks)."""
    where = and_(Q.c.base == pair[0], Q.c.quote == pair[1])
    first = select(func.min(Q.c.observed_at)).where(where).scalar_subquery()
    last = select(func.max(Q.c.observed_at)).where(where).scalar_subquery()
    row = session.execute(select(first, last)).one()
    return None if row[0] is None else (row[0], row[1])


def pair_quotes(
    session: Reader,
    pair: Pair,
    limit: int,
    before: tuple[datetime, int] | None = None,
) -> list[tuple[Quote, datetime, datetime]]:
    """A pair's quotes newest first, with each snapshot's observation and arrival times.

    ``before`` continues a previous page (keyset pagination on (observed_at, id)).
    """
    query = (
        select(*QUOTE_COLUMNS, Q.c.snapshot_id, Q.c.observed_at, S.c.created_at)
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
            Quote.of(r),
            r.observed_at,
            r.created_at,
        )
        for r in session.execute(query)
    ]
