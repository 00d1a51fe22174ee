"""Fixtures: a private Redis, databases on SQLite and PostgreSQL, real worker processes."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from shared.migrate import upgrade
from shared.settings import Settings
from tests.support import services
from tests.support.databases import (
    postgres_database,
    sqlite_database,
    stop_private_cluster,
    wipe,
)
from tests.support.processes import ServiceProcess, service_env
from tests.support.redis_server import RedisServer
from tests.support.waiting import wait_pipeline_idle

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "timesca-2025-12-15.txt"
TOKEN = "test-token-0123456789abcdef"
WORKERS = ("ingest-worker", "rates-worker", "feed-worker")

# PostgreSQL is the configured server or a private cluster started on first use;
# without either its tests skip, and fail under CI=true (see tests/support/services.py).
BACKENDS = ["sqlite", "postgresql"]


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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, None]:
    # Under CI=true a test left out for want of a service is a failure.
    outcome = yield
    report = outcome.get_result()
    if not (services.CI and report.skipped and isinstance(report.longrepr, tuple)):
        return
    reason = str(report.longrepr[2])
    if services.MISSING in reason:
        report.outcome = "failed"
        report.longrepr = f"CI=true: a missing service is an error, not a skip: {reason}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    write = terminalreporter.write_line
    terminalreporter.section("databases and browsers this run used")
    for kind in ("SQLite", "PostgreSQL", "Chromium"):
        if kind in services.USED:
            write(f"{kind:<11} {services.USED[kind]} — {services.COUNTS[kind]} use(s)")
        else:
            write(f"{kind:<11} not used")


def pytest_unconfigure(config: pytest.Config) -> None:
    stop_private_cluster()
