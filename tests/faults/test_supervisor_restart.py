"""`kill -9` an ingest worker's main process under `silkfeed stack`: the
supervisor restarts it (with a log line naming the signal), the rest of the
stack keeps running, every page posted is processed once, the restart shows in
/metrics and `silkfeed stats`, and `stack down` leaves nothing behind."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import requests

from cli.system import free_port
from shared.migrate import ROOT
from shared.models import SubmissionStatus
from tests.conftest import TOKEN
from tests.faults.stack import article_titles, pages, post_all, wait_settled
from tests.support.processes import service_env
from tests.support.proctree import alive, with_environment
from tests.support.redis_server import RedisServer
from tests.support.waiting import wait_for

PAGES = 20


def silkfeed(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def worker_pid(run_dir: Path) -> int:
    for line in (run_dir / "children.pids").read_text().splitlines():
        name, pid = line.split()
        if name == "ingest-worker":
            return int(pid)
    raise AssertionError("no ingest-worker in children.pids")


def stack_env(data_dir: Path, db_url: str, redis: RedisServer, ingest_port: int) -> dict[str, str]:
    """A small stack of its own: one process each, short limits, a quick restart."""
    return service_env(
        {
            "SILKFEED_DATA_DIR": str(data_dir),
            "SILKFEED_DATABASE_URL": db_url,
            "SILKFEED_REDIS_URL": redis.url,
            "SILKFEED_FEED_PORT": str(free_port()),
            "SILKFEED_INGEST_PORT": str(ingest_port),
            "SILKFEED_INGEST_TOKENS": TOKEN,
            "SILKFEED_INGEST_RATE_LIMIT": "0",
            "SILKFEED_WEB_WORKERS": "1",
            "SILKFEED_WORKER_CONCURRENCY": "1",
            "SILKFEED_TASK_TIME_LIMIT": "10",
            "SILKFEED_VISIBILITY_TIMEOUT": "12",
            "SILKFEED_RESTART_DELAY": "0.5",
        }
    )


@pytest.mark.slow
def test_killed_worker_is_restarted_by_the_supervisor(
    db_url: str, own_redis: RedisServer, tmp_path: Path
) -> None:
    data_dir = (tmp_path / "stack").resolve()
    run_dir = data_dir / "run"
    ingest_port = free_port()
    env = stack_env(data_dir, db_url, own_redis, ingest_port)
    ingest = f"http://127.0.0.1:{ingest_port}"
    up = silkfeed("stack", "up", env=env)
    assert up.returncode == 0, up.stdout + up.stderr
    try:
        bodies, titles = pages(PAGES, "Supervised")
        answers = post_all(ingest, bodies[: PAGES // 2], threads=4)
        first = worker_pid(run_dir)
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: not alive(first), 10, 0.05, what="the worker to die")

        def restarted() -> int | None:
            pid = worker_pid(run_dir)
            return pid if pid != first and (run_dir / "ingest-worker.ready").exists() else None

        second = wait_for(restarted, 90, 0.1, what="the supervisor to restart the worker")
        answers += post_all(ingest, bodies[PAGES // 2 :], threads=4)
        assert [status for status, _ in answers] == [202] * PAGES

        final = wait_settled(db_url, PAGES, timeout=150)
        assert final == Counter({SubmissionStatus.DONE: PAGES})
        found = article_titles(db_url)
        assert len(found) == len(titles) and set(found) == titles
        assert alive(second)

        log = (run_dir / "stack.log").read_text(errors="replace")
        assert re.search(
            r"ingest-worker exited with signal 9 \(SIGKILL\) after [\d.]+s; restarting it in 0\.5s",
            log,
        ), log[-3000:]
        assert "ingest-worker restarted (it had exited with signal 9 (SIGKILL))" in log
        assert "stopping the stack" not in log

        metrics = requests.get(f"{ingest}/metrics", timeout=10).text
        assert 'silkfeed_process_restarts_total{service="ingest-worker"} 1.0' in metrics
        assert 'silkfeed_process_restarts_total{service="feed"} 0.0' in metrics
        assert 'silkfeed_process_given_up{service="ingest-worker"} 0.0' in metrics

        stats = silkfeed("stats", "--json", env=env)
        assert stats.returncode == 0, stats.stderr
        processes = json.loads(stats.stdout)["processes"]
        assert processes["ingest-worker"] == {
            "restarts": 1,
            "given_up": False,
            "last_exit": "signal 9 (SIGKILL)",
        }
        text = silkfeed("stats", env=env).stdout
        assert re.search(r"restarts +.*ingest-worker 1", text), text
    finally:
        down = silkfeed("stack", "down", env=env)
        assert down.returncode == 0, down.stderr
    assert not (run_dir / "stack.pid").exists()
    for pid in (first, second):
        assert not alive(pid)
    # Nothing of the stack is left: no service, pool child or stray restart.
    wait_for(
        lambda: not with_environment("SILKFEED_DATA_DIR", str(data_dir)),
        20,
        what="every stack process to exit",
    )
