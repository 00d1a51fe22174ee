"""Applying and checking Alembic migrations from code (CLI, tests, the stack runner)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from shared.db import make_engine

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (default: the newest)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn, migrating(conn):
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        engine.dispose()


@contextmanager
def migrating(conn: Connection) -> Iterator[None]:
    """One transaction for the migrations run on ``conn``.

    On SQLite, with foreign keys off while they run: batch mode changes a table
    by copying it and dropping the old one, and with them on, that drop deletes
    the rows of every table whose foreign keys cascade from it (an article's
    tags). The keys are checked before the transaction commits.
    """
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        # Only outside a transaction does SQLite take this pragma.
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.commit()
    try:
        with conn.begin():
            if sqlite:
                # The driver begins a transaction only before a row is written, so
                # a table created or dropped first would be committed at once: an
                # explicit BEGIN makes the schema changes roll back with the rest.
                conn.exec_driver_sql("BEGIN")
            yield
            if sqlite:
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
    finally:
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")


def check(url: str) -> None:
    """Raise if the models and the migrated schema differ (``alembic check``)."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.check(cfg)
    finally:
        engine.dispose()
