"""Test databases: a SQLite file, and a throw-away PostgreSQL database when one is reachable."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from shared.db import make_engine
from shared.models import Base

# Override with SILKFEED_TEST_POSTGRES_URL; the machine's PostgreSQL is the default.
POSTGRES_ADMIN_URL = os.environ.get(
    "SILKFEED_TEST_POSTGRES_URL", "postgresql+psycopg://127.0.0.1:5432/test"
)


def postgres_reachable() -> bool:
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@contextmanager
def sqlite_database(directory: Path) -> Iterator[str]:
    yield f"sqlite:///{directory / 'silkfeed-test.db'}"


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh database on the server, dropped afterwards."""
    name = f"silkfeed_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def wipe(url: str) -> None:
    """Empty every table, leaving the migrated schema in place."""
    engine = make_engine(url)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()
