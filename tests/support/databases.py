"""Test databases: a SQLite file, and throw-away PostgreSQL databases on the
server at SILKFEED_TEST_POSTGRES_URL or, when nothing answers there, on a
private cluster the run starts itself (``postgres_cluster``)."""

from __future__ import annotations

import atexit
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from shared.db import make_engine
from shared.models import Base
from tests.support.postgres_cluster import ClusterUnavailable, PostgresCluster
from tests.support.services import missing_service, used

# Override with SILKFEED_TEST_POSTGRES_URL; the machine's PostgreSQL is the default.
CONFIGURED_URL = os.environ.get(
    "SILKFEED_TEST_POSTGRES_URL", "postgresql+psycopg://127.0.0.1:5432/test"
)

# Set by a pytest-xdist controller for its workers: "URL\tdescription" of the
# PostgreSQL it provisioned (see provision_for_workers).
SHARED_POSTGRES = "SILKFEED_TEST_SHARED_POSTGRES"

_state: dict[str, object] = {}


def _answers(url: str) -> str | None:
    """The server's version if it answers at ``url``."""
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 2})
        try:
            with engine.connect() as conn:
                return str(conn.execute(text("SHOW server_version")).scalar())
        finally:
            engine.dispose()
    except Exception:
        return None


def _provision() -> None:
    if shared := os.environ.get(SHARED_POSTGRES):
        url, _, about = shared.partition("\t")
        _state.update(url=url, about=about)
        return
    if version := _answers(CONFIGURED_URL):
        shown = make_url(CONFIGURED_URL).render_as_string(hide_password=True)
        _state.update(url=CONFIGURED_URL, about=f"PostgreSQL {version} at {shown}")
        return
    try:
        cluster = PostgresCluster().start()
    except ClusterUnavailable as exc:
        _state.update(url=None, why=f"nothing answers at the test URL and {exc}")
        return
    atexit.register(cluster.stop)
    _state.update(
        url=cluster.url,
        cluster=cluster,
        about=(
            f"PostgreSQL {cluster.version}, a private cluster on 127.0.0.1:{cluster.port} "
            "(nothing answered at SILKFEED_TEST_POSTGRES_URL)"
        ),
    )


def postgres_admin_url() -> str | None:
    """Where to create test databases; provisions a private cluster once if needed."""
    if "url" not in _state:
        _provision()
    url = _state["url"]
    return str(url) if url else None


def provision_for_workers() -> None:
    """Provision PostgreSQL here, once, and hand it to the worker processes
    started after this (by environment): they share one server or cluster, each
    with databases of its own. Without PostgreSQL they find out for themselves."""
    url = postgres_admin_url()
    if url is not None:
        os.environ[SHARED_POSTGRES] = f"{url}\t{_state['about']}"


def postgres_reachable() -> bool:
    return postgres_admin_url() is not None


def require_postgres() -> str:
    """The admin URL, or skip (a failure under CI=true) saying why there is none."""
    url = postgres_admin_url()
    if url is None:
        missing_service(f"PostgreSQL: {_state['why']}")
    return url


def stop_private_cluster() -> None:
    cluster = _state.get("cluster")
    if isinstance(cluster, PostgresCluster):
        cluster.stop()


@contextmanager
def sqlite_database(directory: Path) -> Iterator[str]:
    used("SQLite", "SQLite (a file per test session)")
    yield f"sqlite:///{directory / 'silkfeed-test.db'}"


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh database on the server, dropped afterwards."""
    admin_url = require_postgres()
    used("PostgreSQL", str(_state["about"]))
    name = f"silkfeed_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        forget_engine(url)
        with admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


# One engine per database for the tests' own look-ups: a new engine per call
# pays for a connection and the dialect's first-connect queries every time.
_engines: dict[str, Engine] = {}


def engine_for(url: str) -> Engine:
    """A shared engine for ``url`` (disposed when its database is dropped)."""
    engine = _engines.get(url)
    if engine is None:
        engine = _engines[url] = make_engine(url)
    return engine


def forget_engine(url: str) -> None:
    engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def wipe(url: str) -> None:
    """Empty every table, leaving the migrated schema in place."""
    with engine_for(url).begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
