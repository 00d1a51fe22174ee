"""Rate history API latency at 100,000 stored snapshots, against /healthz.

For SQLite (a fresh file) and PostgreSQL (a fresh database, when the server at
SILKFEED_TEST_POSTGRES_URL or postgresql+psycopg://127.0.0.1:5432/test answers):
  1. build the schema with the migrations and bulk-insert N snapshots of five
     pairs each (40 a day, so N = 100,000 spans almost seven years);
  2. serve the feed app as `make run` does (`silkfeed serve feed`), on a free
     port; and a second one beside it with the copy of `latest` answers turned
     off (SILKFEED_RATES_LATEST_ENTRIES=0), so its `latest` reads the database
     on every request;
  3. request /healthz, /api/v1/rates/latest and a one-year series of one pair
     from the first, /healthz and /api/v1/rates/latest from the second, in
     turn, round after round on one keep-alive connection per server, so all
     see the same machine state; report medians and the ratios to /healthz of
     the same server.
Targets: latest <= 2x and the one-year series <= 5x the median of /healthz, as
served. The database path of `latest` is reported, with no target.
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, text

from bench.common import ROOT, median
from cli.system import free_port, start_private_redis
from services.rates.store import snapshot_digest
from shared.db import make_engine
from shared.migrate import upgrade
from shared.models import RateQuote, RateSnapshot
from tests.support.databases import CONFIGURED_URL, postgres_database, postgres_reachable

PER_DAY = 40
# The sample page's ticker: (base, quote, rate, published decimal places).
PAIRS = [
    ("KGS", "USD", "0.01144"),
    ("KZT", "USD", "0.00192"),
    ("TJS", "USD", "0.10895"),
    ("UZS", "USD", "0.00008"),
    ("TMT", "USD", "0.28490"),
]
TARGETS = {"latest": 2.0, "series": 5.0}
BATCH = 10_000
SETVAL = [
    "SELECT setval(pg_get_serial_sequence('rate_snapshots', 'id'), max(id)) FROM rate_snapshots",
    "SELECT setval(pg_get_serial_sequence('rate_quotes', 'id'), max(id)) FROM rate_quotes",
]


def snapshot_rows(n: int) -> Iterator[tuple[dict, list[dict]]]:
    """N snapshots ending today, PER_DAY a day, rates walking from the sample's."""
    # The newest snapshots are today's, so "a year up to today" is a full year.
    first_day = datetime.now(UTC).date() - timedelta(days=(n - 1) // PER_DAY)
    step = timedelta(seconds=86400 // PER_DAY)
    created = datetime.now(UTC)
    for i in range(n):
        day = first_day + timedelta(days=i // PER_DAY)
        at = datetime(day.year, day.month, day.day, tzinfo=UTC) + step * (i % PER_DAY)
        quotes = []
        for k, (base, quote, rate) in enumerate(PAIRS):
            start = Decimal(rate)
            # A deterministic wobble of a few units in the last place.
            wobble = ((i * (k + 3)) % 11 - 5) * start.scaleb(-3)
            value = (start + wobble).quantize(start)
            change = f"{((i + k) % 7 - 3) / 10:.1f}%".replace("0.0%", "0%")
            quotes.append({"base": base, "quote": quote, "rate": str(value), "change": change})
        snapshot = {
            "id": i + 1,
            "observed_at": at,
            "observed_on": day,
            "digest": snapshot_digest(quotes),  # type: ignore[arg-type]
            "source": "bench",
            "submission_id": f"bench{i:08d}",
            "has_conflicts": False,
            "created_at": created,
        }
        rows = [
            {
                "id": i * len(PAIRS) + k + 1,
                "snapshot_id": i + 1,
                "base": q["base"],
                "quote": q["quote"],
                "rate": Decimal(q["rate"]),
                "change": q["change"],
                "observed_at": at,
                "conflict": False,
            }
            for k, q in enumerate(quotes)
        ]
        yield snapshot, rows


def load(url: str, n: int) -> float:
    """Migrate and bulk-insert; returns seconds taken."""
    t0 = time.perf_counter()
    upgrade(url)
    engine = make_engine(url)
    snaps: list[dict] = []
    quotes: list[dict] = []
    with engine.begin() as conn:
        for snapshot, rows in snapshot_rows(n):
            snaps.append(snapshot)
            quotes.extend(rows)
            if len(snaps) >= BATCH:
                conn.execute(insert(RateSnapshot.__table__), snaps)
                conn.execute(insert(RateQuote.__table__), quotes)
                snaps, quotes = [], []
        if snaps:
            conn.execute(insert(RateSnapshot.__table__), snaps)
            conn.execute(insert(RateQuote.__table__), quotes)
        if engine.dialect.name == "postgresql":
            # Explicit ids leave the sequences behind; later inserts must not collide.
            for statement in SETVAL:
                conn.execute(text(statement))
    # What autovacuum (PostgreSQL) or `PRAGMA optimize` would have done by now:
    # fresh statistics, dead row versions gone. And one step for PostgreSQL: the
    # load writes thousands of snapshots per transaction, so a day's close is
    # replaced forty times before any version is dead, and the versions spill
    # over many pages. The rates worker commits each snapshot, which lets
    # PostgreSQL replace a close in place on its page (a HOT update; the table's
    # fillfactor leaves the room). VACUUM FULL compacts the table, keeping its
    # row order, into about the layout those writes leave.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("VACUUM FULL rate_day_closes"))
            conn.execute(text("VACUUM ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - t0


@contextmanager
def postgres_benchmark_database() -> Iterator[str | None]:
    """A throw-away database on the test server, or None when it is not reachable."""
    if not postgres_reachable():
        print(f"PostgreSQL not reachable at {CONFIGURED_URL} and no private cluster could start: skipped")
        yield None
        return
    with postgres_database() as url:
        yield url


@contextmanager
def feed_server(
    url: str, work: Path, redis_url: str, extra: dict[str, str] | None = None
) -> Iterator[int]:
    """The feed service as `make run` starts it (`silkfeed serve feed`), on a free port."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SILKFEED_")}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.update(
        {
            "SILKFEED_DATABASE_URL": url,
            "SILKFEED_DATA_DIR": str(work),
            "SILKFEED_FEED_PORT": str(port),
            "SILKFEED_REDIS_URL": redis_url,
            "SILKFEED_LOG_LEVEL": "WARNING",
            "SILKFEED_LOG_FORMAT": "json",
            **(extra or {}),
        }
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", "feed"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the feed service did not start")
            time.sleep(0.1)
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def measure(requests: dict[str, tuple[int, str]], rounds: int) -> dict[str, list[float]]:
    """Median-ready timings of each named (port, path), one keep-alive connection per port."""
    conns = {
        port: http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for port, _ in requests.values()
    }
    times: dict[str, list[float]] = {name: [] for name in requests}
    names = list(requests)
    for r in range(rounds + 20):
        # Rotate the order each round, so none always runs first (or after another).
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            port, path = requests[name]
            conn = conns[port]
            t0 = time.perf_counter()
            conn.request("GET", path)
            resp = conn.getresponse()
            body = resp.read()
            elapsed = time.perf_counter() - t0
            if resp.status != 200:
                raise RuntimeError(f"{path}: {resp.status} {body[:300]!r}")
            if r >= 20:  # the first rounds warm connections and caches
                times[name].append(elapsed)
    for conn in conns.values():
        conn.close()
    return times


def bench_backend(label: str, url: str, n: int, rounds: int, work: Path, redis_url: str) -> bool:
    seconds = load(url, n)
    print(f"\n[{label}] {n:,} snapshots ({n * len(PAIRS):,} quotes) loaded in {seconds:.1f} s")
    end = datetime.now(UTC).date()
    start = end - timedelta(days=364)  # a year: 365 daily values
    paths = {
        "healthz": "/healthz",
        "latest": "/api/v1/rates/latest",
        "series": f"/api/v1/rates/{start}..{end}?pairs=KGS-USD",
    }
    uncopied = {"SILKFEED_RATES_LATEST_ENTRIES": "0"}
    with (
        feed_server(url, work, redis_url) as port,
        feed_server(url, work, redis_url, uncopied) as db_port,
    ):
        check_answers(port, db_port, paths, start, end)
        times = measure(
            {
                **{name: (port, path) for name, path in paths.items()},
                "db:healthz": (db_port, paths["healthz"]),
                "db:latest": (db_port, paths["latest"]),
            },
            rounds,
        )
    base = median(times["healthz"])
    ok = True
    print("  served (the process's copy of latest):")
    print(f"  {'request':<8} {'median':>10} {'ratio':>7}  target")
    print(f"  {'healthz':<8} {base * 1000:>8.3f}ms {1:>7.2f}")
    for name, target in TARGETS.items():
        value = median(times[name])
        ratio = value / base
        passed = ratio <= target
        ok &= passed
        verdict = "PASS" if passed else "FAIL"
        print(f"  {name:<8} {value * 1000:>8.3f}ms {ratio:>7.2f}  <= {target:.0f}x  {verdict}")
    db_base = median(times["db:healthz"])
    db_latest = median(times["db:latest"])
    print("  from the database (a server beside it with the copy off):")
    print(f"  {'healthz':<8} {db_base * 1000:>8.3f}ms {1:>7.2f}")
    print(f"  {'latest':<8} {db_latest * 1000:>8.3f}ms {db_latest / db_base:>7.2f}  reported")
    return ok


def check_answers(port: int, db_port: int, paths: dict[str, str], start: date, end: date) -> None:
    """The measured requests answer what they should (a fast wrong answer is no answer),
    and the copy answers exactly what the database does."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", paths["latest"])
    body = conn.getresponse().read()
    latest = json.loads(body)
    assert len(latest["rates"]) == len(PAIRS), latest
    conn.request("GET", paths["latest"])
    assert conn.getresponse().read() == body  # now from the copy
    conn.request("GET", paths["series"])
    series = json.loads(conn.getresponse().read())
    assert series["start"] == start.isoformat() and series["end"] == end.isoformat(), series
    assert len(series["rates"]) == 365, len(series["rates"])
    assert all(list(day) == ["KGS/USD"] for day in series["rates"].values())
    conn.close()
    conn = http.client.HTTPConnection("127.0.0.1", db_port, timeout=30)
    conn.request("GET", paths["latest"])
    assert conn.getresponse().read() == body
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshots", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=400)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="silkfeed-bench-rates-"))
    redis_proc, redis_url = start_private_redis(work, persistent=False)
    ok = True
    try:
        sqlite_url = f"sqlite:///{work / 'rates.db'}"
        ok &= bench_backend("SQLite", sqlite_url, args.snapshots, args.rounds, work, redis_url)
        with postgres_benchmark_database() as pg_url:
            if pg_url is not None:
                ok &= bench_backend(
                    "PostgreSQL", pg_url, args.snapshots, args.rounds, work, redis_url
                )
    finally:
        redis_proc.terminate()
        redis_proc.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    print("\nbench_rates:", "all targets met" if ok else "a target was missed")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
