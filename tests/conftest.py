"""Fixtures: a private Redis, databases on SQLite and PostgreSQL, real worker processes."""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from shared.db import make_engine, make_session_factory
from shared.migrate import upgrade
from shared.settings import Settings
from tests.support import services
from tests.support.alone import RunLock, listed_alone
from tests.support.databases import (
    SHARED_POSTGRES,
    postgres_database,
    provision_for_workers,
    sqlite_database,
    stop_private_cluster,
    wipe,
)
from tests.support.processes import ServiceProcess, service_env, stop_all
from tests.support.redis_server import RedisServer
from tests.support.waiting import pipeline_idle_at, wait_pipeline_idle

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "timesca-2025-12-15.txt"
TOKEN = "test-token-0123456789abcdef"
WORKERS = ("ingest-worker", "rates-worker", "feed-worker")
# Database → Redis URL of the shared workers of this test process, while they run.
_WORKERS_ON: dict[str, str] = {}

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


def shared_workers_redis(database_url: str) -> str | None:
    """The Redis URL of the shared workers while they run on ``database_url``, else None."""
    return _WORKERS_ON.get(database_url)


@pytest.fixture
def db_url(database_url: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """The session's database, emptied after each test.

    A test with the shared workers leaves them to finish first: a render of its
    feeds that ran after the wipe would write into the next test's database.
    """
    yield database_url
    redis_url = _WORKERS_ON.get(database_url)
    if redis_url is not None:
        # A test without the workers can set them off too (a feed's first render
        # asks them to refresh it): once they run on this database, a test that
        # left anything for them waits for it, one look when it left nothing.
        prefix = make_settings(database_url, redis_url, Path("unused")).key_prefix
        if "workers" in request.fixturenames or not pipeline_idle_at(redis_url, prefix):
            wait_pipeline_idle(redis_url, prefix)
    wipe(database_url)


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    """A session on the test's database (emptied after the test)."""
    engine = make_engine(db_url)
    with make_session_factory(engine)() as s:
        yield s
    engine.dispose()


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
    _WORKERS_ON[database_url] = redis_server.url
    try:
        for proc in procs.values():
            proc.wait_ready()
        yield procs
    finally:
        _WORKERS_ON.pop(database_url, None)
        stop_all(procs.values())


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


def pytest_configure(config: pytest.Config) -> None:
    # Under pytest-xdist the controller provisions PostgreSQL once (a private
    # cluster if nothing answers) and hands it to its workers by environment.
    if _runs_workers(config):
        provision_for_workers()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # With `--dist loadgroup`, the tests that share a module's (or class's)
    # fixture, such as a stack of live processes, run in one worker, which
    # starts it once; other tests go wherever a worker is free.
    for item in items:
        if listed_alone(item.nodeid):
            item.add_marker(pytest.mark.alone)
    # (pytest-xdist's workers see `dist` as "no" and `loadgroup` set instead.)
    option = config.option
    if not (getattr(option, "loadgroup", False) or getattr(option, "dist", "") == "loadgroup"):
        return
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        defs = info.name2fixturedefs.values() if info is not None else ()
        if any(d.scope in ("module", "class", "package") for ds in defs for d in ds):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


_run_lock: list[RunLock] = []


@pytest.fixture(autouse=True)
def _each_test(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Around each test (set up after the wider fixtures, torn down last):

    - in a pytest-xdist worker, a test marked ``alone`` runs while no other test
      does (tests/support/alone.py);
    - background threads of apps the test or its own fixtures made and left
      running are told to stop: an outbox relay would go on sending, and a
      feed-memory watcher reading, in the database of the tests after it.
    """
    if hasattr(request.config, "workerinput"):
        if not _run_lock:
            # Each worker's base directory is a folder of the run's own.
            _run_lock.append(RunLock(tmp_path_factory.getbasetemp().parent / "run-lock"))
        lock = _run_lock[0]
        together = lock.alone() if request.node.get_closest_marker("alone") else lock.shared()
    else:
        together = contextlib.nullcontext()
    with together:
        before = background_threads()
        yield
        signal_stop(background_threads() - before)


def _runs_workers(config: pytest.Config) -> bool:
    """This process is pytest-xdist's controller of worker processes."""
    if hasattr(config, "workerinput"):
        return False
    return bool(getattr(config.option, "numprocesses", None)) and not config.option.collectonly


def pytest_sessionfinish(session: pytest.Session) -> None:
    # A pytest-xdist worker reports what it used to the controller's summary.
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["silkfeed_used"] = json.dumps([services.USED, services.COUNTS])


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    used, counts = json.loads(getattr(node, "workeroutput", {}).get("silkfeed_used", "[{}, {}]"))
    services.USED.update(used)
    for kind, n in counts.items():
        services.COUNTS[kind] = services.COUNTS.get(kind, 0) + n


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    write = terminalreporter.write_line
    terminalreporter.section("databases and browsers this run used")
    for kind in ("SQLite", "PostgreSQL", "Chromium"):
        if kind in services.USED:
            write(f"{kind:<11} {services.USED[kind]} — {services.COUNTS[kind]} use(s)")
        else:
            write(f"{kind:<11} not used")


def pytest_unconfigure(config: pytest.Config) -> None:
    stop_background_threads()
    stop_private_cluster()
    os.environ.pop(SHARED_POSTGRES, None)


BACKGROUND = ("feed-memory", "outbox-relay")


def background_threads() -> set[threading.Thread]:
    """The live feed-memory watchers and outbox relays of apps in this process."""
    return {t for t in threading.enumerate() if t.name in BACKGROUND}


def signal_stop(threads: set[threading.Thread]) -> None:
    for thread in threads:
        owner = getattr(getattr(thread, "_target", None), "__self__", None)
        stop = getattr(owner, "_stop", None)
        if isinstance(stop, threading.Event):
            stop.set()


def stop_background_threads(timeout: float = 10.0) -> None:
    """Stop every background thread apps left running, and wait for them to end.
    A daemon thread frozen at exit while it holds a Redis pool's lock would hang
    the interpreter's final garbage collection (a PubSub's __del__ waits for
    that lock for ever)."""
    threads = background_threads()
    signal_stop(threads)
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
