"""``silkfeed stats``: what the stack holds and what is waiting, at a glance.

Counts come from the database; queue depths from Redis, where Celery's Redis
transport keeps each queue as a list named after it (behind this stack's key
prefix, ``global_keyprefix``), one list per priority step, and the messages a
worker took but has not acknowledged yet in one hash (``unacked``).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Any

import click

from cli.common import expected_errors
from shared.backlog import backlog_key
from shared.contracts import QUEUE_FEED, QUEUE_INGEST, QUEUE_RATES

QUEUES = (QUEUE_INGEST, QUEUE_RATES, QUEUE_FEED)
# kombu's Redis transport: a message of priority p > 0 waits in "<queue>\x06\x16<step>".
PRIORITY_SEP = "\x06\x16"
PRIORITY_STEPS = (3, 6, 9)
STATUSES = ("queued", "processing", "done", "failed")


def database_counts(session: Any) -> dict[str, Any]:
    from sqlalchemy import func, select

    from shared.models import (
        Article,
        ArticleTag,
        RateQuote,
        RateSnapshot,
        RenderedFeed,
        Submission,
    )

    def count(query: Any) -> int:
        return int(session.scalar(query) or 0)

    by_status = {s: 0 for s in STATUSES}
    for status, n in session.execute(
        select(Submission.status, func.count()).group_by(Submission.status)
    ):
        by_status[status] = int(n)
    submissions: dict[str, int] = {
        **by_status,
        "total": sum(by_status.values()),
        # Accepted but not yet handed to a worker: the outbox relay's backlog.
        "unsent": count(
            select(func.count()).select_from(Submission).where(Submission.sent_at.is_(None))
        ),
    }
    last = session.scalars(
        select(RateSnapshot).order_by(RateSnapshot.observed_at.desc(), RateSnapshot.id.desc())
    ).first()
    last_snapshot = None
    if last is not None:
        last_snapshot = {
            "date": last.observed_on.isoformat(),
            "observed_at": last.observed_at.isoformat(),
            "source": last.source,
            "pairs": [
                {"pair": f"{q.base}/{q.quote}", "rate": str(q.rate), "change": q.change}
                for q in last.quotes
            ],
        }
    return {
        "submissions": submissions,
        "articles": count(select(func.count()).select_from(Article)),
        "tags": count(select(func.count(func.distinct(ArticleTag.tag)))),
        "snapshots": count(select(func.count()).select_from(RateSnapshot)),
        "quotes": count(select(func.count()).select_from(RateQuote)),
        "rendered_feeds": count(select(func.count()).select_from(RenderedFeed)),
        "last_snapshot": last_snapshot,
    }


def queue_depths(client: Any, prefix: str) -> dict[str, int]:
    """Work waiting in each queue (its messages, and the items of its backlog), and
    the messages taken by a worker but not yet acknowledged."""
    pipe = client.pipeline(transaction=False)
    for queue in QUEUES:
        pipe.llen(prefix + queue)
        for step in PRIORITY_STEPS:
            pipe.llen(f"{prefix}{queue}{PRIORITY_SEP}{step}")
        pipe.llen(backlog_key(prefix, queue))
    pipe.hlen(prefix + "unacked")
    answers = [int(n) for n in pipe.execute()]
    per_queue = 2 + len(PRIORITY_STEPS)
    depths = {
        queue: sum(answers[i * per_queue : (i + 1) * per_queue]) for i, queue in enumerate(QUEUES)
    }
    depths["unacked"] = answers[-1]
    return depths


def failing_feeds(client: Any, prefix: str) -> list[dict[str, Any]]:
    """Feeds whose last render failed (kept in Redis by the feed worker)."""
    out = []
    for name, raw in sorted(client.hgetall(f"{prefix}feeds:failing").items()):
        entry = json.loads(raw)
        out.append(
            {
                "feed": name.decode(),
                "failures_in_a_row": entry["count"],
                "error": entry["error"],
                "retry_at": datetime.fromtimestamp(entry["retry_at"], UTC).isoformat(
                    timespec="seconds"
                ),
            }
        )
    return out


def as_text(doc: dict[str, Any]) -> list[str]:
    subs = doc["submissions"]
    states = ", ".join(f"{s} {subs[s]}" for s in STATUSES)
    lines = [
        f"submissions     {subs['total']} ({states}; {subs['unsent']} not yet sent to a worker)",
        f"articles        {doc['articles']}",
        f"tags            {doc['tags']}",
        f"snapshots       {doc['snapshots']}",
        f"quotes          {doc['quotes']}",
        f"rendered feeds  {doc['rendered_feeds']}",
    ]
    queues = doc["queues"]
    if queues is None:
        lines.append("queues          unavailable (Redis did not answer)")
    else:
        waiting = ", ".join(f"{q} {queues[q]}" for q in QUEUES)
        lines.append(f"queues          {waiting} waiting; {queues['unacked']} taken by workers")
    failing = doc.get("failing_feeds")
    if failing:
        lines.append(f"failing feeds   {len(failing)} (their renders fail; retried with backoff)")
        lines += [
            f"                {f['feed']}: {f['failures_in_a_row']} in a row, next try "
            f"{f['retry_at']}: {f['error'][:120]}"
            for f in failing
        ]
    lines += restart_lines(doc.get("processes"))
    snap = doc["last_snapshot"]
    if snap is None:
        lines.append("last snapshot   none yet")
    else:
        lines.append(
            f"last snapshot   {snap['date']} (observed {snap['observed_at']}, "
            f"source {snap['source']}, {len(snap['pairs'])} pairs)"
        )
        lines += [
            f"                {p['pair']:<8} {p['rate']:>12} {p['change']}" for p in snap["pairs"]
        ]
    return lines


def process_restarts(client: Any, prefix: str) -> dict[str, dict[str, Any]]:
    from shared.process_restarts import ProcessRestarts

    return {
        name: {"restarts": e.restarts, "given_up": e.given_up, "last_exit": e.last_status}
        for name, e in ProcessRestarts(client, prefix).read().items()
    }


def restart_lines(processes: dict[str, dict[str, Any]] | None) -> list[str]:
    """What `silkfeed stack` restarted, and what it gave up on (nothing under compose)."""
    if not processes:
        return []
    counts = ", ".join(f"{name} {p['restarts']}" for name, p in processes.items())
    lines = [f"restarts        {counts}"]
    for name, p in processes.items():
        if p["given_up"]:
            lines.append(
                f"GAVE UP         {name}: not restarted after it kept crashing "
                f"(last exit: {p['last_exit']}); fix it, then restart the stack"
            )
    return lines


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as a JSON document.")
@expected_errors
def stats(as_json: bool) -> None:
    """Show what is stored, what is waiting in the queues, and the last rates.

    Counts of submissions by status, articles, tags, rate snapshots and quotes
    and rendered feed documents come from the database; the depth of the
    ingest, rates and feed queues from Redis, with the restarts of processes
    that `silkfeed stack` supervises and any it gave up on.

    \b
    Examples:
      silkfeed stats
      silkfeed stats --json | jq .queues
    """
    import redis

    from cli.common import command_settings, database, echo_line
    from shared.redis_client import settings_client

    settings = command_settings()
    with database(settings) as db, db.sessions() as session:
        doc = database_counts(session)
    error = None
    try:
        client = settings_client(settings, socket_timeout=3.0, socket_connect_timeout=3.0)
        try:
            doc["queues"] = queue_depths(client, settings.key_prefix)
            doc["failing_feeds"] = failing_feeds(client, settings.key_prefix)
            doc["processes"] = process_restarts(client, settings.key_prefix)
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError) as exc:
        doc["queues"] = None
        doc["failing_feeds"] = None
        doc["processes"] = None
        error = f"Redis is unavailable, so queue depths are unknown: {type(exc).__name__}: {exc}"
    if as_json:
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(as_text(doc)))
    if error:
        echo_line(f"silkfeed: {error}", err=True)
        sys.exit(1)
    sys.exit(0)
