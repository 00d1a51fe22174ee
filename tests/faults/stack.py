"""Helpers of the fault tests: a stack of this test's own processes, and what
it posts and finds in the database."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import requests
from sqlalchemy import func, select

from bench.common import distinct_page
from cli.system import free_port
from shared import contracts
from shared.models import Article, Submission
from shared.settings import Settings
from tests.conftest import TOKEN
from tests.support.databases import engine_for
from tests.support.processes import ServiceProcess, service_env
from tests.support.redis_server import RedisServer
from tests.support.waiting import wait_for

AUTH = {"Authorization": f"Bearer {TOKEN}"}
# Small limits so a killed worker's task comes back within seconds: Redis hands
# an unacknowledged message out again after the visibility timeout, which must
# exceed the task time limit.
TIME_LIMIT = 10
VISIBILITY = 12


@dataclass
class Stack:
    """Environment for this test's own processes, and the processes started."""

    db_url: str
    redis: RedisServer
    workdir: Path
    env: dict[str, str]
    procs: list[ServiceProcess]
    ingest_url: str = ""
    feed_url: str = ""

    def start(self, name: str, log_name: str | None = None) -> ServiceProcess:
        logs = self.workdir / (log_name or name)
        logs.mkdir(parents=True, exist_ok=True)
        proc = ServiceProcess(name, self.env, logs).start()
        self.procs.append(proc)
        return proc

    def start_worker(self, log_name: str | None = None) -> ServiceProcess:
        proc = self.start("ingest-worker", log_name)
        proc.wait_ready(60)
        return proc

    def start_api(self) -> ServiceProcess:
        proc = self.start("ingest-api")
        self.wait_healthy(proc, self.ingest_url, 30)
        return proc

    def start_feed(self) -> ServiceProcess:
        """The feed service (granian), once /healthz answers."""
        proc = self.start("feed")
        self.wait_healthy(proc, self.feed_url, 60)
        return proc

    def wait_healthy(self, proc: ServiceProcess, base: str, timeout: float) -> None:
        def healthy() -> bool:
            if proc.proc is not None and proc.proc.poll() is not None:
                raise RuntimeError(f"{proc.name} exited: {proc.log_tail()}")
            try:
                return requests.get(f"{base}/healthz", timeout=1).status_code == 200
            except requests.RequestException:
                return False

        wait_for(healthy, timeout, 0.05, what=f"{proc.name} at {base}")

    def start_everything(self) -> None:
        """Every process of the stack: the ingest API, the three workers, the feed
        service, all started at once; returns when each is ready."""
        api, feed = self.start("ingest-api"), self.start("feed")
        workers = [self.start(name) for name in ("ingest-worker", "rates-worker", "feed-worker")]
        for proc in workers:
            proc.wait_ready(90)
        self.wait_healthy(api, self.ingest_url, 60)
        self.wait_healthy(feed, self.feed_url, 60)


def make_stack(db_url: str, redis: RedisServer, workdir: Path) -> Stack:
    port = free_port()
    feed_port = free_port()
    run_dir = workdir / "run"
    run_dir.mkdir(exist_ok=True)
    env = service_env(
        {
            "SILKFEED_DATABASE_URL": db_url,
            "SILKFEED_REDIS_URL": redis.url,
            "SILKFEED_DATA_DIR": str(workdir / "data"),
            "SILKFEED_RUN_DIR": str(run_dir),
            "SILKFEED_INGEST_TOKENS": TOKEN,
            "SILKFEED_INGEST_PORT": str(port),
            "SILKFEED_FEED_PORT": str(feed_port),
            "SILKFEED_INGEST_RATE_LIMIT": "0",
            "SILKFEED_WORKER_CONCURRENCY": "2",
            "SILKFEED_WEB_WORKERS": "2",
            "SILKFEED_TASK_TIME_LIMIT": str(TIME_LIMIT),
            "SILKFEED_VISIBILITY_TIMEOUT": str(VISIBILITY),
            "SILKFEED_LOG_LEVEL": "INFO",
        }
    )
    return Stack(
        db_url, redis, workdir, env, [], f"http://127.0.0.1:{port}", f"http://127.0.0.1:{feed_port}"
    )


def post(base: str, body: bytes, media_type: str = "text/plain") -> tuple[int, float]:
    """POST a page; returns the status and how long the answer took, in seconds."""
    t0 = time.perf_counter()
    resp = requests.post(
        f"{base}/v1/submissions?source=faults",
        data=body,
        headers={**AUTH, "Content-Type": media_type},
        timeout=30,
    )
    return resp.status_code, time.perf_counter() - t0


def pages(n: int, tag: str) -> tuple[list[bytes], set[str]]:
    bodies, titles = [], set()
    for i in range(n):
        body, page_titles = distinct_page(i, tag)
        bodies.append(body)
        titles.update(page_titles)
    return bodies, titles


def post_all(base: str, bodies: list[bytes], threads: int = 8) -> list[tuple[int, float]]:
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda b: post(base, b), bodies))


def status_counts(db_url: str) -> Counter[str]:
    with engine_for(db_url).connect() as conn:
        rows = conn.execute(
            select(Submission.status, func.count()).group_by(Submission.status)
        ).all()
    return Counter({status: n for status, n in rows})


def submissions(db_url: str) -> list[Submission]:
    with engine_for(db_url).connect() as conn:
        return list(conn.execute(select(Submission)).all())  # type: ignore[arg-type]


def held_submissions(stack: Stack) -> set[str]:
    """The submissions of the tasks Redis counts as unacknowledged (delivered to a
    worker, which runs them or holds them next), and the pages their batches
    took from the backlog (``shared.backlog``). A fresh page goes from queued to
    done in one transaction: what a worker holds is told here, not by a status."""
    prefix = Settings(database_url=stack.db_url).key_prefix
    client = redis.Redis.from_url(stack.redis.url)
    try:
        held = set()
        for raw in client.hvals(f"{prefix}unacked"):
            held.add(json.loads(raw)[0]["headers"]["submission_id"])
        for key in client.scan_iter(f"{prefix}backlog:{contracts.BACKLOG_INGEST}:held:*"):
            held.update(item.decode() for item in client.lrange(key, 0, -1))
        return held
    finally:
        client.close()


def ingest_task_started(stack: Stack) -> bool:
    """Whether the ingest task sent last has started: the offer that sends a task
    sets the backlog's kick key, and the task deletes it as it takes its batch
    (``shared.backlog``), after which pages offered send a task of their own."""
    prefix = Settings(database_url=stack.db_url).key_prefix
    client = redis.Redis.from_url(stack.redis.url)
    try:
        return not client.exists(f"{prefix}backlog:{contracts.BACKLOG_INGEST}:kick")
    finally:
        client.close()


def article_titles(db_url: str) -> list[str]:
    with engine_for(db_url).connect() as conn:
        return list(conn.scalars(select(Article.title)))


def wait_settled(db_url: str, total: int, timeout: float) -> Counter[str]:
    """Wait until every one of ``total`` submissions is done or failed."""

    def settled() -> Counter[str] | None:
        counts = status_counts(db_url)
        return counts if counts["done"] + counts["failed"] == total else None

    try:
        return wait_for(settled, timeout, 0.25, what=f"{total} submissions to settle")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; statuses now {dict(status_counts(db_url))}") from None


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis of the test's own, which it may pause, stop and restart."""
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    if server.proc is not None:
        server.proc.kill()  # also if a test left it paused
        server.proc.wait(10)


@pytest.fixture
def stack(db_url: str, own_redis: RedisServer, tmp_path: Path) -> Iterator[Stack]:
    """Service processes of the test's own, killed whatever the test did to them."""
    st = make_stack(db_url, own_redis, tmp_path)
    try:
        yield st
    finally:
        for proc in st.procs:
            proc.kill_group()
