"""Scaling out: pipeline throughput with one ingest worker process, then two.

One private Redis and one stack (`silkfeed stack up`, SQLite unless
--database-url names an empty PostgreSQL database), every worker at
concurrency 1. Rounds alternate between the stack's own ingest worker alone and
the stack plus a second ingest worker process started from the Procfile's
command — what `docker compose up --scale ingest-worker=2` does — so both
configurations see the same database size and machine state. Each round posts
the same number of distinct sample-sized pages and measures pages per second
from the first POST until every page is done, and until the last page's
entries are in the served feed. Reports both configurations side by side, the
ratio two/one, and where the CPU went, which says what bounds the ratio here.
Fails (exit status 1, the row marked MISSED) when two processes give less than
1.5 times one's pages per second until visible.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.bench_pipeline import wait_all_done, wait_feed_has
from bench.common import ROOT, Check, bench_stack, distinct_page, median, post, print_checks
from cli.procfile import read_procfile
from tests.support.proctree import CLOCK_TICKS, cpu_seconds_of_group

SCALING_MIN = 1.5


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, every process included."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    total = sum(fields[:8])  # user nice system idle iowait irq softirq steal
    idle = fields[3] + fields[4]
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


class ExtraWorker:
    """A second ingest worker process on the stack's Redis and database."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        argv = list(next(p.argv for p in read_procfile() if p.name == "ingest-worker"))
        # Its own Celery node name, and its own readiness file.
        argv[argv.index("--hostname") + 1] = "ingest-extra@%h"
        self.argv = argv
        self.run_dir = workdir / "extra-run"
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.env = {**env, "SILKFEED_RUN_DIR": str(self.run_dir)}
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> None:
        ready = self.run_dir / "ingest-worker.ready"
        ready.unlink(missing_ok=True)
        self.proc = subprocess.Popen(
            self.argv,
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while not ready.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the second ingest worker did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)  # warm shutdown: the queue is empty
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None


def stack_groups(data_dir: Path) -> dict[str, int]:
    """The stack's services and their process groups, from the run directory."""
    groups = {}
    for line in (data_dir / "run" / "children.pids").read_text().splitlines():
        if line.strip():
            name, pid = line.split()
            groups[name] = int(pid)
    return groups


def one_round(
    ingest: str, feed: str, pages: int, tag: str, groups: dict[str, int]
) -> dict[str, object]:
    bodies = [distinct_page(i, tag) for i in range(pages)]
    cpu_before = {name: cpu_seconds_of_group(pgid) for name, pgid in groups.items()}
    own_before = os.times()
    machine_before = machine_cpu()
    t0 = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        ids = [doc["id"] for doc in pool.map(lambda b: post(ingest, b[0]), bodies)]
    last = wait_all_done(ingest, ids)
    done = time.perf_counter() - t0
    wait_feed_has(feed, set(bodies[ids.index(last)][1]))
    visible = time.perf_counter() - t0
    own_after = os.times()
    machine_after = machine_cpu()
    cpu = {name: cpu_seconds_of_group(pgid) - cpu_before[name] for name, pgid in groups.items()}
    cpu["bench client"] = (own_after.user - own_before.user) + (
        own_after.system - own_before.system
    )
    return {
        "done_s": done,
        "visible_s": visible,
        "cpu": cpu,
        "machine_busy_s": machine_after[0] - machine_before[0],
        "machine_total_s": machine_after[1] - machine_before[1],
    }


def run(pages: int, rounds: int, database_url: str | None) -> dict[str, object]:
    extra_env = {"SILKFEED_WORKER_CONCURRENCY": "1"}
    if database_url:
        extra_env["SILKFEED_DATABASE_URL"] = database_url
    results: dict[int, list[dict[str, object]]] = {1: [], 2: []}
    with bench_stack("silkfeed-bench-scaling-", **extra_env) as stack:
        feed, ingest = stack.feed, stack.ingest
        extra = ExtraWorker(stack.env, stack.work)
        try:
            groups = {**stack_groups(stack.data_dir), "redis": stack.redis_pid}
            body, titles = distinct_page(0, "Warmup")
            post(ingest, body)
            wait_feed_has(feed, set(titles))
            # Alternate, so neither configuration always meets the larger database.
            for r in range(rounds):
                for workers in (1, 2):
                    if workers == 2:
                        extra.start()
                        assert extra.proc is not None
                        groups_now = {**groups, "ingest-worker (2nd)": extra.proc.pid}
                    else:
                        groups_now = groups
                    try:
                        results[workers].append(
                            one_round(ingest, feed, pages, f"Scale{r}x{workers}", groups_now)
                        )
                    finally:
                        extra.stop()
        finally:
            extra.stop()
    return summarize(pages, rounds, results, database_url)


def summarize(
    pages: int, rounds: int, results: dict[int, list[dict[str, object]]], database_url: str | None
) -> dict[str, object]:
    out: dict[str, object] = {
        "pages_per_round": pages,
        "rounds": rounds,
        "cpus": os.cpu_count(),
        "database": "postgresql" if database_url else "sqlite",
    }
    for workers, runs in results.items():
        done = [pages / float(r["done_s"]) for r in runs]  # type: ignore[arg-type]
        visible = [pages / float(r["visible_s"]) for r in runs]  # type: ignore[arg-type]
        cpu: dict[str, float] = {}
        wall = sum(float(r["visible_s"]) for r in runs)  # type: ignore[arg-type]
        for r in runs:
            for name, seconds in r["cpu"].items():  # type: ignore[attr-defined]
                cpu[name] = cpu.get(name, 0.0) + seconds
        out[f"{workers}"] = {
            "done_pages_per_s": median(done),
            "visible_pages_per_s": median(visible),
            "runs_visible_pages_per_s": visible,
            # CPU seconds per page, per process group; and how busy the machine was.
            "cpu_ms_per_page": {k: 1000 * v / (pages * len(runs)) for k, v in cpu.items()},
            "cpu_utilisation": sum(cpu.values()) / wall / (os.cpu_count() or 1),
            # Everything on the machine, other work included.
            "machine_utilisation": sum(float(r["machine_busy_s"]) for r in runs)  # type: ignore[arg-type]
            / max(sum(float(r["machine_total_s"]) for r in runs), 1e-9),  # type: ignore[arg-type]
            # Wall time per page that each ingest worker process spent on the CPU.
            "ingest_on_cpu": (
                (cpu.get("ingest-worker", 0.0) + cpu.get("ingest-worker (2nd)", 0.0))
                / workers
                / sum(float(r["done_s"]) for r in runs)  # type: ignore[arg-type]
            ),
        }
    one, two = out["1"], out["2"]
    out["ratio_done"] = two["done_pages_per_s"] / one["done_pages_per_s"]  # type: ignore[index]
    out["ratio_visible"] = two["visible_pages_per_s"] / one["visible_pages_per_s"]  # type: ignore[index]
    return out


def report(r: dict) -> str:
    one, two = r["1"], r["2"]
    lines = [
        f"scaling out (sample-sized pages, {r['pages_per_round']} per round, {r['rounds']} "
        f"round(s) each, {r['database']}, {r['cpus']} CPUs, concurrency 1 per worker)",
        f"  {'':<34}{'one ingest worker':>20}{'two ingest workers':>20}",
        f"  {'pages/s until all done':<34}{one['done_pages_per_s']:>20.1f}"
        f"{two['done_pages_per_s']:>20.1f}",
        f"  {'pages/s until all visible':<34}{one['visible_pages_per_s']:>20.1f}"
        f"{two['visible_pages_per_s']:>20.1f}",
        f"  {'CPU busy: this stack':<34}{one['cpu_utilisation']:>20.0%}"
        f"{two['cpu_utilisation']:>20.0%}",
        f"  {'CPU busy: whole machine':<34}{one['machine_utilisation']:>20.0%}"
        f"{two['machine_utilisation']:>20.0%}",
        f"  {'each ingest worker on CPU':<34}{one['ingest_on_cpu']:>20.0%}"
        f"{two['ingest_on_cpu']:>20.0%}",
        f"  ratio two/one: {r['ratio_visible']:.2f} until visible, {r['ratio_done']:.2f} until done",
        "  CPU ms per page, by process group (one / two):",
    ]
    names = sorted(set(one["cpu_ms_per_page"]) | set(two["cpu_ms_per_page"]))
    for name in names:
        a = one["cpu_ms_per_page"].get(name)
        b = two["cpu_ms_per_page"].get(name)
        lines.append(
            f"    {name:<30}{'-' if a is None else f'{a:.1f}':>12}{'-' if b is None else f'{b:.1f}':>12}"
        )
    total_one = sum(one["cpu_ms_per_page"].values())
    parse_share = one["cpu_ms_per_page"].get("ingest-worker", 0.0) / total_one if total_one else 0
    lines += [
        "  what bounds it:",
        f"    - one worker process at concurrency 1 takes one page at a time and was on the CPU "
        f"{one['ingest_on_cpu']:.0%}",
        "      of the time; the rest it waits — for database commits and locks, for Redis round",
        "      trips, and for a core when the machine is busy. A second process fills those",
        "      waits: that is the gain;",
        f"    - the ingest worker (parse and store) is {parse_share:.0%} of the CPU a page costs; the",
        "      ingest API, the rates and feed workers, the feed service, Redis and this client do",
        f"      the rest, on the same {r['cpus']} cores, and do not multiply with ingest workers;",
        f"    - the whole machine was {one['machine_utilisation']:.0%} / "
        f"{two['machine_utilisation']:.0%} busy (other work included): near 100%",
        "      a second worker can only take CPU from the other processes;",
        "    - SQLite takes one writer at a time (PostgreSQL does not: --database-url);",
        "    - feed renders run one at a time under one Redis lock (they coalesce, so a burst",
        "      costs a few renders, not one per page);",
        "    - were the cores the limit, a second worker would halve only the ingest worker's",
        f"      share: at most 1 / (1 - {parse_share:.2f}/2) = {1 / (1 - parse_share / 2):.2f}x;"
        " more comes only from waits it fills.",
        "  On several machines the parse CPU adds up; the database and the render lock do not.",
    ]
    return "\n".join(lines)


def checks(r: dict) -> list[Check]:
    return [
        ("two ÷ one ingest worker, until done", f"{r['ratio_done']:.2f}×", "", None),
        (
            "two ÷ one ingest worker, until visible",
            f"{r['ratio_visible']:.2f}×",
            f"≥ {SCALING_MIN}×",
            r["ratio_visible"] >= SCALING_MIN,
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=120, help="pages per round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds per configuration")
    parser.add_argument(
        "--database-url", help="an empty PostgreSQL database to use instead of SQLite"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = run(args.pages, args.rounds, args.database_url)
    print(json.dumps(result, indent=2) if args.json else report(result))
    return print_checks(checks(result), name_width=38)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
