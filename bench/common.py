"""Shared helpers for the benchmarks: statistics, distinct sample-style pages, a stack."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.sample import SAMPLE, SAMPLE_TITLES

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-token-0123456789abcdef"


# A report row: measure, value, target, and whether it was met (None: no target).
Check = tuple[str, str, str, bool | None]


def print_checks(checks: list[Check], name_width: int = 30, value_width: int = 10) -> int:
    """Print the report's rows under a header; 1 when a target was missed, else 0."""
    print(f"{'measure':<{name_width}} {'value':>{value_width}}  {'target':<10} result")
    missed = []
    for name, value, target, ok in checks:
        result = "" if ok is None else ("ok" if ok else "MISSED")
        print(f"{name:<{name_width}} {value:>{value_width}}  {target:<10} {result}")
        if ok is False:
            missed.append(name)
    if missed:
        print(f"targets missed: {', '.join(missed)}")
        return 1
    return 0


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return statistics.median(values)


def distinct_page(i: int, tag: str = "Run") -> tuple[bytes, list[str]]:
    """The sample page with its six headlines made unique: six new articles."""
    text = SAMPLE.read_text(encoding="utf-8")
    titles = []
    for title in SAMPLE_TITLES:
        new = f"{title} — {tag} Edition {i}"
        text = text.replace(f"\n{title}\n", f"\n{new}\n", 1)
        titles.append(new)
    return text.encode(), titles


def stack_env(
    data_dir: Path, feed_port: int, ingest_port: int, redis_url: str, **extra: str
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SILKFEED_")}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.update(
        {
            "SILKFEED_DATA_DIR": str(data_dir),
            "SILKFEED_FEED_PORT": str(feed_port),
            "SILKFEED_INGEST_PORT": str(ingest_port),
            "SILKFEED_REDIS_URL": redis_url,
            "SILKFEED_INGEST_TOKENS": TOKEN,
            "SILKFEED_LOG_LEVEL": "WARNING",
            "SILKFEED_LOG_FORMAT": "json",
        }
    )
    env.update(extra)
    return env


def silkfeed(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"silkfeed {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


class HTTPStatusError(RuntimeError):
    def __init__(self, status: int, url: str, body: bytes) -> None:
        super().__init__(f"{status} from {url}: {body[:300]!r}")
        self.status = status


_connections = threading.local()


def request(
    url: str, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, http.client.HTTPResponse, bytes]:
    """One request on this thread's kept-alive connection to the URL's host, as an
    upstream posting many pages or a feed reader polling would hold one: a new
    connection per request would cost both ends more than the request itself."""
    parts = urllib.parse.urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    kept: dict[str, http.client.HTTPConnection] = _connections.__dict__.setdefault("kept", {})
    for attempt in (1, 2):
        conn = kept.get(parts.netloc)
        if conn is None:
            conn = kept[parts.netloc] = http.client.HTTPConnection(
                parts.hostname or "127.0.0.1", parts.port, timeout=30
            )
        try:
            conn.request(method, target, body, headers or {})
            resp = conn.getresponse()
            data = resp.read()
        except (http.client.HTTPException, ConnectionError):
            # The server closed the kept connection (idle, or restarted): once more
            # on a new one. A page posted twice is stored once (identical bodies).
            conn.close()
            del kept[parts.netloc]
            if attempt == 2:
                raise
            continue
        if resp.will_close:
            conn.close()
            del kept[parts.netloc]
        return resp.status, resp, data
    raise AssertionError("unreachable")


def post(ingest: str, body: bytes, source: str = "bench") -> dict:
    url = f"{ingest}/v1/submissions?source={source}"
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"}
    status, _, data = request(url, "POST", body, headers)
    if status >= 400:
        raise HTTPStatusError(status, url, data)
    return json.loads(data)


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as resp:  # noqa: S310
        return json.load(resp)


@dataclass
class BenchStack:
    """A stack started as `make up` starts it, on a private Redis and free ports."""

    work: Path
    env: dict[str, str]
    redis_pid: int
    feed: str  # base URL of the feed service
    ingest: str  # base URL of the ingest API

    @property
    def data_dir(self) -> Path:
        return Path(self.env["SILKFEED_DATA_DIR"])

    @property
    def key_prefix(self) -> str:
        from shared.settings import Settings

        settings = Settings(
            data_dir=self.data_dir,
            redis_url=self.env["SILKFEED_REDIS_URL"],
            ingest_tokens=TOKEN,  # type: ignore[arg-type]
            database_url=self.env.get("SILKFEED_DATABASE_URL", ""),
        )
        return settings.key_prefix

    def wait_idle(self, timeout: float = 120.0) -> None:
        """Until no task waits or runs and no feed is left to render."""
        from tests.support.waiting import wait_pipeline_idle

        wait_pipeline_idle(self.env["SILKFEED_REDIS_URL"], self.key_prefix, timeout)

    def task_runs(self, task: str) -> int:
        """How many runs of ``task`` the stack's workers have finished so far."""
        import redis

        from shared.task_metrics import TaskMetrics

        client = redis.Redis.from_url(self.env["SILKFEED_REDIS_URL"])
        try:
            figures = TaskMetrics(client, self.key_prefix).read().get(task)
        finally:
            client.close()
        return sum(figures.states.values()) if figures else 0


@contextmanager
def bench_stack(
    prefix: str, *, world_readable: bool = False, **extra_env: str
) -> Iterator[BenchStack]:
    """Start a private Redis and `silkfeed stack up`; stop both and clean up afterwards."""
    from cli.system import free_port, start_private_redis

    work = Path(tempfile.mkdtemp(prefix=prefix))
    if world_readable:
        work.chmod(0o755)  # e.g. for nginx's unprivileged workers
    redis_proc, redis_url = start_private_redis(work, persistent=False)
    feed_port, ingest_port = free_port(), free_port()
    env = stack_env(work / "data", feed_port, ingest_port, redis_url, **extra_env)
    try:
        silkfeed(env, "stack", "up")
        yield BenchStack(
            work,
            env,
            redis_proc.pid,
            f"http://127.0.0.1:{feed_port}",
            f"http://127.0.0.1:{ingest_port}",
        )
    finally:
        try:
            silkfeed(env, "stack", "down")
        finally:
            redis_proc.terminate()
            redis_proc.wait(10)
            shutil.rmtree(work, ignore_errors=True)
