"""The database base class, engines and session handling shared by every service."""

from __future__ import annotations

import functools
import json
import unicodedata
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, String, TypeDecorator, create_engine, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from shared.sqlite_turns import TurnConnection
from shared.wal_checkpoint import BACKSTOP_PRAGMA, BUSY_PRAGMA, is_file_sqlite

# Stable constraint names so Alembic can alter them (SQLite batch mode needs names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on SQLite (which drops zones) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ExactDecimal(TypeDecorator[Decimal]):
    """A decimal stored as its text, so ``0.28490`` keeps its published scale.

    SQLite has no exact decimal type (NUMERIC becomes a float) and PostgreSQL's
    NUMERIC would pad to the column's scale; text round-trips exactly on both.
    """

    impl = String(48)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal) or not value.is_finite():
            raise ValueError(f"finite Decimal required, got {value!r}")
        return str(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


MMAP_PRAGMA = "PRAGMA mmap_size=268435456"
# SQLite's own lower() and LIKE fold ASCII letters only: "Казахстан" would not
# match a search for "казахстан". Searches fold text with this function instead
# (``services.feed.entries``), as the query's words are folded.
FOLD_FUNCTION = "silkfeed_fold"


def fold_text(value: object) -> str | None:
    """Text as searches compare it: NFKC, then case-folded (None stays None)."""
    return None if value is None else unicodedata.normalize("NFKC", str(value)).casefold()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets the feed service read while a worker writes; busy_timeout makes
    # concurrent writers from several worker processes wait instead of failing.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(BUSY_PRAGMA)
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    # Reads of the database file straight from the kernel's page cache, not copied
    # into SQLite's own cache first (a submission's body or a stored document
    # spans many pages). The mapping is of the file: the kernel reclaims it as it
    # would the file's cached pages.
    cur.execute(MMAP_PRAGMA)
    # The log is copied into the database by a checkpointer thread
    # (shared.wal_checkpoint), not by whichever commit crosses 1,000 pages.
    cur.execute(BACKSTOP_PRAGMA)
    cur.close()
    dbapi_conn.create_function(FOLD_FUNCTION, 1, fold_text, deterministic=True)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets WAL and its data directory is created."""
    # JSON columns keep non-ASCII text as is, so a text search can match it.
    kwargs.setdefault("json_serializer", _json_dumps)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if is_file_sqlite(parsed):
            Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
            # Writers take turns (shared.sqlite_turns) instead of polling for the lock.
            kwargs["connect_args"] = {"factory": TurnConnection, **kwargs.get("connect_args", {})}
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def insert_of(dialect: str) -> Any:
    """``insert`` of the database ``dialect`` (``sqlite`` or ``postgresql``).

    Only that dialect's module is imported: on SQLite, importing PostgreSQL's
    (and the drivers' modules it pulls in) cost each process a tenth of a
    second of CPU at its first insert.
    """
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        raise KeyError(dialect)
    return insert


def insert_unless_stored(
    session: Session, model: type[Base], values: dict[str, Any] | list[dict[str, Any]]
) -> bool:
    """INSERT a row (or each of a list of rows) unless a row with the same key is
    stored; True if one was inserted (for a list, as the driver counts them).

    One statement on both databases (``ON CONFLICT DO NOTHING``), where a look-up,
    a savepoint and a caught IntegrityError would take four, and a concurrent
    insert of the same key is not an error. The statement is built once per
    table and database, and runs as plain SQL on the session's connection.
    """
    dialect = session.get_bind().dialect.name
    result = session.connection().execute(_insert_unless_stored(dialect, model), values)
    return bool(result.rowcount)


@functools.lru_cache(maxsize=32)
def _insert_unless_stored(dialect: str, model: type[Base]) -> Any:
    return insert_of(dialect)(model.__table__).on_conflict_do_nothing()
