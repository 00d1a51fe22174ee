"""Load without loss: N distinct pages posted by concurrent clients, with the ingest
worker killed (-9, its whole process group) once mid-run and a new one started.

Runs the stack's Procfile processes itself (on a private Redis, a fresh SQLite
database in a temporary data directory, free ports) rather than through
`silkfeed stack up`, whose supervisor stops the whole stack when one process
dies. Reports accepted, processed, failed (must be 0), entries expected versus
found, duplicates (must be 0) and throughput; exits non-zero on any loss or
duplicate.

The task time limit is 30 s and the visibility timeout 45 s here, so the tasks
the killed worker held come back within a minute (the defaults, 300 s and
1200 s, would make the run wait 20 minutes for them).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import urllib.error
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import redis
from sqlalchemy import Engine, func, select

from bench.common import ROOT, TOKEN, distinct_page, post
from cli.procfile import read_procfile
from cli.stack import Supervisor, child_env, run_dir, wait_healthy
from cli.system import free_port, start_private_redis
from shared.db import make_engine
from shared.migrate import upgrade
from shared.models import Article, Submission
from shared.settings import Settings

TIME_LIMIT = 30
VISIBILITY = 45
ARTICLES_PER_PAGE = 6


def status_counts(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        rows = conn.execute(
            select(Submission.status, func.count()).group_by(Submission.status)
        ).all()
    return {status: n for status, n in rows}


class Killer(threading.Thread):
    """Kills the ingest worker once, mid-task, and starts a replacement."""

    def __init__(
        self, sup: Supervisor, engine, env: dict[str, str], after: int, prefix: str, redis_url: str
    ) -> None:  # type: ignore[no-untyped-def]
        super().__init__(daemon=True)
        self.sup, self.engine, self.env, self.after = sup, engine, env, after
        self.prefix, self.redis_url = prefix, redis_url
        self.done = threading.Event()
        self.stop = threading.Event()
        self.killed_at: float | None = None
        self.held = 0
        self.error: str | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                counts = status_counts(self.engine)
                if counts.get("done", 0) >= self.after and counts.get("processing", 0) >= 1:
                    break
                time.sleep(0.05)
            else:
                return
            worker = self.sup.children["ingest-worker"]
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
            self.killed_at = time.perf_counter()
            client = redis.Redis.from_url(self.redis_url)
            # Unacknowledged messages of the ingest queue: [message, exchange, routing key].
            self.held = sum(
                json.loads(raw)[2] == "ingest" for raw in client.hvals(f"{self.prefix}unacked")
            )
            client.close()
            self.sup.say(
                "bench",
                f"killed the ingest worker (pid {worker.pid}) "
                f"holding {self.held} unacknowledged task(s)",
            )
            argv = next(p.argv for p in read_procfile() if p.name == "ingest-worker")
            ready = run_dir(self.sup.settings) / "ingest-worker.ready"
            ready.unlink(missing_ok=True)
            self.sup.start("ingest-worker", list(argv), self.env, 1)
            deadline = time.monotonic() + 60
            while not ready.exists():
                if time.monotonic() > deadline:
                    raise RuntimeError("the replacement ingest worker did not start")
                time.sleep(0.1)
            self.sup.say("bench", "replacement ingest worker is ready")
        except Exception as exc:  # reported, and fails the run
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.done.set()


def _load_settings(work: Path, redis_url: str) -> tuple[Settings, dict[str, str]]:
    settings = Settings(
        data_dir=work / "data",
        redis_url=redis_url,
        feed_port=free_port(),
        ingest_port=free_port(),
        ingest_tokens=TOKEN,  # type: ignore[arg-type]
        task_time_limit=TIME_LIMIT,
        visibility_timeout=VISIBILITY,
        ingest_rate_limit=0,
    )
    env = child_env(settings, redis_url, TOKEN)
    env.update(
        {
            "SILKFEED_INGEST_RATE_LIMIT": "0",
            "SILKFEED_TASK_TIME_LIMIT": str(TIME_LIMIT),
            "SILKFEED_VISIBILITY_TIMEOUT": str(VISIBILITY),
            "SILKFEED_LOG_LEVEL": "WARNING",
            "SILKFEED_LOG_FORMAT": "json",
        }
    )
    return settings, env


def _post_pages(ingest: str, submissions: int, clients: int) -> tuple[dict[int, int], list[str]]:
    """Post every page from ``clients`` threads: the answers' status counts, client errors."""
    statuses: dict[int, int] = {}
    errors: list[str] = []
    lock = threading.Lock()

    def submit(i: int) -> None:
        body, _ = distinct_page(i, "Load")
        for attempt in range(3):
            try:
                post(ingest, body)
                code = 202
                break
            except urllib.error.HTTPError as exc:
                code = exc.code
                break
            except OSError as exc:  # connection trouble: the client tries again
                if attempt == 2:
                    code = 0
                    with lock:
                        errors.append(f"page {i}: {exc}")
        with lock:
            statuses[code] = statuses.get(code, 0) + 1

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(submit, range(submissions)))
    return statuses, errors


def _wait_settled(engine: Engine, accepted: int, killer: Killer, submissions: int) -> dict:
    """Every accepted page must end done or failed: the final status counts."""
    deadline = time.monotonic() + max(1800, submissions * 0.5)
    while True:
        counts = status_counts(engine)
        settled = counts.get("done", 0) + counts.get("failed", 0)
        if settled >= accepted and killer.done.is_set():
            return counts
        if time.monotonic() > deadline:
            raise TimeoutError(f"not settled: {counts}")
        time.sleep(0.5)


def _entries(engine: Engine, submissions: int) -> tuple[int, int, int]:
    """Entries found, of them distinct, and expected titles missing."""
    with engine.connect() as conn:
        found = conn.scalar(select(func.count()).select_from(Article)) or 0
        distinct = conn.scalar(select(func.count(func.distinct(Article.title)))) or 0
        titles = set(conn.scalars(select(Article.title)))
    expected = set()
    for i in range(submissions):
        expected.update(f"{t} — Load Edition {i}" for t in _sample_titles())
    return found, distinct, len(expected - titles)


def run(submissions: int, clients: int, kill_fraction: float, log_path: Path) -> dict:
    work = Path(tempfile.mkdtemp(prefix="silkfeed-load-"))
    redis_proc, redis_url = start_private_redis(work, persistent=True)
    settings, env = _load_settings(work, redis_url)
    engine = make_engine(settings.db_url)
    ingest = f"http://{settings.bind_host}:{settings.ingest_port}"
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    sup = Supervisor(settings, log)
    killer: Killer | None = None
    try:
        upgrade(settings.db_url)
        for index, process in enumerate(read_procfile()):
            sup.start(process.name, list(process.argv), env, index)
        wait_healthy(settings, sup, timeout=90)

        killer = Killer(
            sup, engine, env, int(submissions * kill_fraction), settings.key_prefix, redis_url
        )
        killer.start()
        t0 = time.perf_counter()
        statuses, errors = _post_pages(ingest, submissions, clients)
        posted = time.perf_counter() - t0
        accepted = statuses.get(202, 0)
        counts = _wait_settled(engine, accepted, killer, submissions)
        elapsed = time.perf_counter() - t0
        killer.stop.set()
        found, distinct, missing = _entries(engine, submissions)
        return {
            "submissions": submissions,
            "clients": clients,
            "accepted": accepted,
            "refused": {str(k): v for k, v in statuses.items() if k != 202},
            "client_errors": errors[:5],
            "processed": counts.get("done", 0),
            "failed": counts.get("failed", 0),
            "entries_expected": accepted * ARTICLES_PER_PAGE,
            "entries_found": found,
            "entries_missing": missing,
            "duplicates": found - distinct,
            "killed_worker_held": killer.held,
            "killed_after_s": (killer.killed_at - t0) if killer.killed_at else None,
            "kill_error": killer.error,
            "post_seconds": posted,
            "seconds": elapsed,
            "post_rate": accepted / posted if posted else 0.0,
            "throughput": counts.get("done", 0) / elapsed if elapsed else 0.0,
        }
    finally:
        if killer is not None:
            killer.stop.set()
        sup.stop_all(grace=30)
        log.close()
        engine.dispose()
        redis_proc.terminate()
        redis_proc.wait(10)
        shutil.rmtree(work, ignore_errors=True)


def _sample_titles() -> list[str]:
    from bench.common import SAMPLE_TITLES

    return SAMPLE_TITLES


def ok(r: dict) -> bool:
    return (
        r["accepted"] == r["submissions"]
        and r["processed"] == r["accepted"]
        and r["failed"] == 0
        and r["entries_found"] == r["entries_expected"]
        and r["entries_missing"] == 0
        and r["duplicates"] == 0
        and r["killed_after_s"] is not None
        and r["kill_error"] is None
    )


def report(r: dict) -> str:
    killed = (
        f"at {r['killed_after_s']:.1f} s, holding {r['killed_worker_held']} task(s); replaced"
        if r["killed_after_s"] is not None
        else f"NOT KILLED ({r['kill_error']})"
    )
    lines = [
        f"load without loss: {r['submissions']} distinct pages, {r['clients']} concurrent "
        f"clients, ingest worker killed -9 once",
        f"  submissions posted           {r['submissions']:>10}",
        f"  accepted (202)               {r['accepted']:>10}",
        f"  processed (done)             {r['processed']:>10}",
        f"  failed                       {r['failed']:>10}   (must be 0)",
        f"  entries expected             {r['entries_expected']:>10}",
        f"  entries found                {r['entries_found']:>10}",
        f"  entries missing              {r['entries_missing']:>10}   (must be 0)",
        f"  duplicates                   {r['duplicates']:>10}   (must be 0)",
        f"  ingest worker killed         {killed}",
        f"  POST rate                    {r['post_rate']:>10.1f} pages/s "
        f"({r['post_seconds']:.1f} s)",
        f"  throughput (POST → done)     {r['throughput']:>10.1f} pages/s ({r['seconds']:.1f} s)",
        f"  result                       {'OK' if ok(r) else 'LOSS OR DUPLICATES'}",
    ]
    if r["refused"] or r["client_errors"]:
        lines.append(f"  refused {r['refused']} errors {r['client_errors']}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--kill-at",
        type=float,
        default=0.3,
        help="kill the worker once this fraction of pages is done",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args, _ = parser.parse_known_args()
    log_path = Path(tempfile.gettempdir()) / "silkfeed-bench-load.log"
    result = run(args.submissions, args.clients, args.kill_at, log_path)
    print(json.dumps(result, indent=2) if args.json else report(result))
    print(f"  (process output: {log_path})")
    return 0 if ok(result) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
