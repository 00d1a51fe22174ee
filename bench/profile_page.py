"""One page's path, step by step: what each step costs and where a page waits.

``python -m bench.profile_page`` prints two tables (Markdown, as in the README):

1. **Steps**, in this process, on a fresh SQLite database and a private Redis:
   the code the services run, one page at a time — the POST's transaction
   (``accept``), the outbox relay's send, then every message taken from its
   Redis queue and run by the real task of its worker (ingest, rates, feed) —
   with, for each step, its wall time, SQL statements and their time, database
   transactions (commits), Redis round trips and the time spent waiting on
   Redis. Medians over ``--pages`` pages after ``--warm`` pages (which fill
   the feeds to their page size, as in a running stack), with a reader of the
   all-articles feed in each format: the worker renders only what readers read.
2. **Hops**, on a stack (``silkfeed stack up``, a private Redis, SQLite),
   pages posted one at a time: the times the database records for each page
   (received, sent by the relay, started and finished by the ingest worker,
   the articles feed rendered) and when this client first saw the entries in
   the served feed, as the gaps between them: the task hops and the waits.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import ROOT, TOKEN, bench_stack, distinct_page, median, percentile, post
from bench.meter import Counters, Meter

STEP_COLUMNS = ("ms", "statements", "sql_ms", "commits", "redis", "redis_ms")


def _instrument(meter: Meter) -> None:
    """Spans around parsing and around each feed's render, inside the real tasks."""
    import services.feed.tasks as feed_tasks
    import services.ingest.processing as processing

    def spanned(name: Callable[..., str], fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with meter.span(name(*args, **kwargs)):
                return fn(*args, **kwargs)

        return wrapper

    processing.parse_page = spanned(lambda *a, **k: "ingest: parse", processing.parse_page)
    feed_tasks.refresh = spanned(
        lambda session, settings, names, *a, **k: f"feed: render {', '.join(names)}",
        feed_tasks.refresh,
    )


def _run_queue(app: Any, conn: Any, meter: Meter, queue: str) -> None:
    """Take every message of ``queue`` and run its task here, as its worker would."""
    q = conn.SimpleQueue(queue)
    while True:
        try:
            with meter.span(f"{queue}: take a message from Redis"):
                msg = q.get_nowait()
        except q.Empty:
            meter.spans.pop()  # the look that found the queue empty
            return
        args, kwargs, _ = msg.payload
        name = msg.headers["task"]
        with meter.span(f"{queue}: task {name}"):
            app.tasks[name](*args, **kwargs)
        msg.ack()


def _one_page(app: Any, outbox: Any, conn: Any, meter: Meter, i: int) -> None:
    from services.ingest.accept import accept
    from shared import contracts

    body, _ = distinct_page(i, "Profile")
    with meter.span("page: every step"):
        with meter.span("POST: store the page (accept)"), app.resources.sessions() as session:
            sid = accept(session, body, "text/plain", "bench", None).submission.id
        with meter.span("outbox relay: send the ingest task"):
            outbox.send_kicked([sid])
            outbox.record_sent()
        for queue in (contracts.QUEUE_INGEST, contracts.QUEUE_RATES, contracts.QUEUE_FEED):
            _run_queue(app, conn, meter, queue)


def _readers(app: Any) -> None:
    """Readers of the all-articles feed in each format: the feed worker keeps current
    the documents readers asked for, and renders no other."""
    from services.feed.publish import render_and_store
    from shared.feed_names import FeedSpec

    with app.resources.sessions() as session:
        render_and_store(session, app.resources.settings, FeedSpec.articles())


def steps(pages: int, warm: int) -> list[list[tuple[str, Counters]]]:
    """The spans of each measured page."""
    from cli.system import start_private_redis
    from services.ingest.outbox import Outbox
    from shared.celery_app import create_celery
    from shared.migrate import upgrade
    from shared.settings import Settings

    work = Path(tempfile.mkdtemp(prefix="silkfeed-profile-"))
    redis_proc, redis_url = start_private_redis(work, persistent=False)
    try:
        settings = Settings(
            data_dir=work / "data",
            redis_url=redis_url,
            ingest_tokens=TOKEN,  # type: ignore[arg-type]
            log_level="WARNING",
        )
        settings.data_dir.mkdir(parents=True)
        upgrade(settings.db_url)
        import services.feed.tasks
        import services.ingest.tasks
        import services.rates.tasks  # noqa: F401 - the tasks the app runs

        app = create_celery("silkfeed-profile", settings)
        _readers(app)
        outbox = Outbox(app.resources.sessions, app)
        meter = Meter()
        meter.install()
        _instrument(meter)
        runs = []
        with app.connection_for_read() as conn:
            for i in range(warm + pages):
                meter.reset()
                _one_page(app, outbox, conn, meter, i)
                if i >= warm:
                    runs.append(list(meter.spans))
        app.resources.dispose()
        return runs
    finally:
        redis_proc.terminate()
        redis_proc.wait(10)
        shutil.rmtree(work, ignore_errors=True)


def _kind(name: str) -> str:
    """One row per kind of step: every tag feed's render is one row, with a count."""
    return re.sub(r"render (tag|pair):\S+", r"render \1:… (each)", name)


def summarize_steps(runs: list[list[tuple[str, Counters]]]) -> list[dict[str, Any]]:
    order: list[str] = []
    per_page: list[dict[str, tuple[int, Counters]]] = []
    for spans in runs:
        sums: dict[str, tuple[int, Counters]] = {}
        for name, c in spans:
            kind = _kind(name)
            if kind not in order:
                order.append(kind)
            n, total = sums.get(kind, (0, Counters()))
            sums[kind] = (
                n + 1,
                Counters(**{k: getattr(total, k) + getattr(c, k) for k in STEP_COLUMNS}),
            )
        per_page.append(sums)
    rows = []
    for kind in order:
        present = [p[kind] for p in per_page if kind in p]
        row: dict[str, Any] = {"step": kind, "times": median([n for n, _ in present])}
        for col in STEP_COLUMNS:
            row[col] = median(
                [getattr(c, col) / (n if "(each)" in kind else 1) for n, c in present]
            )
        rows.append(row)
    return rows


HOPS = (
    ("POST answered (202)", "post", "answered"),
    ("row committed → relay sent the task", "received", "sent"),
    ("sent → ingest task started (broker hop)", "sent", "started"),
    ("ingest task: parse and store", "started", "finished"),
    ("stored → articles feed rendered (hop, wait, render)", "finished", "rendered"),
    ("rendered → entries seen by a reader", "rendered", "visible"),
    ("POST → visible", "post", "visible"),
)


def _wait_visible(feed: str, titles: set[str]) -> float:
    from bench.bench_pipeline import wait_feed_has

    return wait_feed_has(feed, titles, 60.0, clock=time.time)


def hops(samples: int) -> list[dict[str, float]]:
    """The recorded times of ``samples`` pages posted one at a time, in epoch seconds."""
    from sqlalchemy import select

    from bench.bench_pipeline import warm_up
    from shared.db import make_engine
    from shared.models import RenderedFeed, Submission

    out = []
    with bench_stack("silkfeed-profile-") as stack:
        warm_up(stack)
        engine = make_engine(f"sqlite:///{stack.data_dir / 'silkfeed.db'}")
        for i in range(samples):
            body, titles = distinct_page(i, "Hops")
            t_post = time.time()
            sid = post(stack.ingest, body)["id"]
            answered = time.time()
            visible = _wait_visible(stack.feed, set(titles))
            stack.wait_idle()  # one page at a time: alone in the pipeline
            # The relay records a send up to a tenth of a second after it (at
            # the send's time): wait for the record.
            deadline = time.monotonic() + 5
            while True:
                with engine.connect() as conn:
                    sub = conn.execute(
                        select(
                            Submission.received_at,
                            Submission.sent_at,
                            Submission.started_at,
                            Submission.finished_at,
                        ).where(Submission.id == sid)
                    ).one()
                if sub.sent_at is not None or time.monotonic() > deadline:
                    break
                time.sleep(0.02)
            with engine.connect() as conn:
                rendered = conn.execute(
                    select(RenderedFeed.rendered_at).where(RenderedFeed.key == "articles.json")
                ).scalar_one()
            stamps = [*sub, rendered]
            out.append(
                {"post": t_post, "answered": answered, "visible": visible}
                | {
                    k: _epoch(v)
                    for k, v in zip(
                        ("received", "sent", "started", "finished", "rendered"), stamps, strict=True
                    )
                }
            )
        engine.dispose()
    return out


def _epoch(value: datetime) -> float:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def summarize_hops(samples: list[dict[str, float]]) -> list[dict[str, Any]]:
    rows = []
    for label, start, end in HOPS:
        gaps = [(s[end] - s[start]) * 1000 for s in samples]
        rows.append({"hop": label, "p50_ms": median(gaps), "p90_ms": percentile(gaps, 90)})
    return rows


def report(step_rows: list[dict[str, Any]], hop_rows: list[dict[str, Any]], pages: int) -> str:
    lines = [
        f"Steps of one page, in one process (median of {pages} pages):",
        "",
        "| step | times | ms | SQL statements | SQL ms | transactions | Redis round trips | Redis wait ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in step_rows:
        lines.append(
            f"| {r['step']} | {r['times']:g} | {r['ms']:.1f} | {r['statements']:g} | "
            f"{r['sql_ms']:.1f} | {r['commits']:g} | {r['redis']:g} | {r['redis_ms']:.1f} |"
        )
    if hop_rows:
        lines += [
            "",
            "Hops and waits on a stack, pages posted one at a time:",
            "",
            "| between | p50 ms | p90 ms |",
            "| --- | ---: | ---: |",
        ]
        lines += [f"| {r['hop']} | {r['p50_ms']:.1f} | {r['p90_ms']:.1f} |" for r in hop_rows]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10, help="pages measured in process")
    parser.add_argument("--warm", type=int, default=10, help="pages stored before measuring")
    parser.add_argument("--hops", type=int, default=20, help="pages posted to a stack (0: none)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    step_rows = summarize_steps(steps(args.pages, args.warm))
    hop_rows = summarize_hops(hops(args.hops)) if args.hops else []
    if args.json:
        print(json.dumps({"steps": step_rows, "hops": hop_rows}, indent=2))
    else:
        print(report(step_rows, hop_rows, args.pages))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
