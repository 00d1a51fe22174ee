"""Fixtures: a private Redis, databases on SQLite and PostgreSQL, real worker processes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.migrate import upgrade
from shared.settings import Settings
from tests.support.databases import postgres_database, postgres_reachable, sqlite_database, wipe
from tests.support.processes import ServiceProcess, service_env
from tests.support.redis_server import RedisServer
from tests.support.waiting import wait_pipeline_idle

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "timesca-2025-12-15.txt"
TOKEN = "test-token-0123456789abcdef"
WORKERS = ("ingest-worker", "rates-worker", "feed-worker")

_PG = postgres_reachable()
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql", marks=pytest.mark.skipif(not _PG, reason="PostgreSQL not reachable")
    ),
]


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database (schema by Alembic, never create_all), per backend."""
    if request.param == "sqlite":
        ctx = sqlite_database(tmp_path_factory.mktemp("sqlite"))
    else:
        ctx = postgres_database()
    with ctx as url:
        upgrade(url)
        yield url


@pytest.fixture
def db_url(database_url: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """The session's database, emptied after each test.

    A test with the shared workers leaves them to finish first: a render of its
    feeds that ran after the wipe would write into the next test's database.
    """
    yield database_url
    if "workers" in request.fixturenames:
        redis_url = request.getfixturevalue("redis_server").url
        prefix = make_settings(database_url, redis_url, Path("unused")).key_prefix
        wait_pipeline_idle(redis_url, prefix)
    wipe(database_url)


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


def make_settings(database_url: str, redis_url: str, data_dir: Path, **extra: object) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        data_dir=data_dir,
        ingest_tokens=TOKEN,  # type: ignore[arg-type]
        public_url="http://feeds.example.test",
        run_dir=data_dir / "run",
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def settings(db_url: str, redis_server: RedisServer, data_dir: Path) -> Settings:
    return make_settings(db_url, redis_server.url, data_dir)


def settings_env(settings: Settings) -> dict[str, str]:
    assert settings.run_dir is not None
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    return service_env(
        {
            "SILKFEED_DATABASE_URL": settings.db_url,
            "SILKFEED_REDIS_URL": settings.redis_url,
            "SILKFEED_DATA_DIR": str(settings.data_dir),
            "SILKFEED_INGEST_TOKENS": TOKEN,
            "SILKFEED_PUBLIC_URL": settings.base_url,
            "SILKFEED_RUN_DIR": str(settings.run_dir),
            "SILKFEED_WORKER_CONCURRENCY": "2",
        }
    )


@pytest.fixture(scope="session")
def workers(
    database_url: str, redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, ServiceProcess]]:
    """The three workers as real processes, shared by the tests of one backend."""
    data = tmp_path_factory.mktemp("workers")
    env = settings_env(make_settings(database_url, redis_server.url, data))
    procs = {name: ServiceProcess(name, env, data).start() for name in WORKERS}
    try:
        for proc in procs.values():
            proc.wait_ready()
        yield procs
    finally:
        for proc in procs.values():
            proc.stop()
