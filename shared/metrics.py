"""Prometheus metrics for the HTTP services, and the fleet-wide state they expose.

HTTP counters live in each web process (multiprocess mode when
PROMETHEUS_MULTIPROC_DIR is set, as `silkfeed serve` does); everything else is
read at scrape time from where it already lives: submission states from the
database, queue depths and task figures and feed renders from Redis.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import redis
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    generate_latest,
)
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select

from shared import contracts
from shared.backlog import backlog_key
from shared.models import Submission, SubmissionStatus
from shared.process_restarts import ProcessRestarts
from shared.task_metrics import TaskMetrics

log = logging.getLogger(__name__)

SUBMISSIONS_ACCEPTED = Counter(
    "silkfeed_submissions_accepted",
    "Submissions answered by the ingest API: created (202) or duplicate (200).",
    ["result"],
)
HTTP_RESPONSES = Counter(
    "silkfeed_http_responses", "HTTP responses by service and status code.", ["service", "status"]
)


class StateCollector(Collector):
    def __init__(self, engine: Engine, client: redis.Redis, prefix: str) -> None:
        self.engine = engine
        self.client = client
        self.prefix = prefix

    def collect(self) -> Iterator[Metric]:
        errors = GaugeMetricFamily(
            "silkfeed_scrape_error", "1 when a source could not be read.", labels=["source"]
        )
        try:
            yield self._submissions()
            errors.add_metric(["database"], 0)
        except Exception as exc:
            log.warning("metrics: database unavailable: %s", exc)
            errors.add_metric(["database"], 1)
        try:
            yield from self._from_redis()
            errors.add_metric(["redis"], 0)
        except redis.RedisError as exc:
            log.warning("metrics: redis unavailable: %s", exc)
            errors.add_metric(["redis"], 1)
        yield errors

    def _submissions(self) -> Metric:
        gauge = GaugeMetricFamily(
            "silkfeed_submissions",
            "Stored submissions by status (done = processed).",
            labels=["status"],
        )
        with self.engine.connect() as conn:
            counts = dict(
                conn.execute(
                    select(Submission.status, func.count()).group_by(Submission.status)
                ).all()
            )
        for status in SubmissionStatus:
            gauge.add_metric([status.value], counts.get(status.value, 0))
        return gauge

    def _from_redis(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily(
            "silkfeed_queue_depth",
            "Work waiting in each queue: its messages and the items of its backlog.",
            labels=["queue"],
        )
        for queue in (contracts.QUEUE_INGEST, contracts.QUEUE_RATES, contracts.QUEUE_FEED):
            waiting = self.client.llen(self.prefix + queue)
            waiting += self.client.llen(backlog_key(self.prefix, queue))
            depth.add_metric([queue], waiting)
        yield depth
        renders = CounterMetricFamily(
            "silkfeed_feed_renders", "Feed renders by feed.", labels=["feed"]
        )
        for name, n in sorted(self.client.hgetall(f"{self.prefix}feeds:renders").items()):
            renders.add_metric([name.decode()], int(n))
        yield renders
        failures = CounterMetricFamily(
            "silkfeed_feed_render_failures",
            "Failed feed renders by feed (the feed is retried with backoff).",
            labels=["feed"],
        )
        for name, n in sorted(self.client.hgetall(f"{self.prefix}feeds:render-failures").items()):
            failures.add_metric([name.decode()], int(n))
        yield failures
        yield GaugeMetricFamily(
            "silkfeed_feed_render_failing",
            "Feeds whose last render failed.",
            value=self.client.hlen(f"{self.prefix}feeds:failing"),
        )
        states = CounterMetricFamily(
            "silkfeed_tasks", "Finished task runs by task and state.", labels=["task", "state"]
        )
        durations = HistogramMetricFamily(
            "silkfeed_task_duration_seconds", "Task run time by task.", labels=["task"]
        )
        for task, fig in sorted(TaskMetrics(self.client, self.prefix).read().items()):
            for state, n in sorted(fig.states.items()):
                states.add_metric([task, state], n)
            durations.add_metric([task], fig.cumulative(), fig.total_seconds)
        yield states
        yield durations
        yield from self._restarts()

    def _restarts(self) -> Iterator[Metric]:
        # Written by `silkfeed stack`'s supervisor; compose restarts its own way.
        restarts = CounterMetricFamily(
            "silkfeed_process_restarts",
            "Restarts of a stack process by `silkfeed stack` after it exited.",
            labels=["service"],
        )
        given_up = GaugeMetricFamily(
            "silkfeed_process_given_up",
            "1 when `silkfeed stack` gave up restarting a process that kept crashing.",
            labels=["service"],
        )
        for name, entry in ProcessRestarts(self.client, self.prefix).read().items():
            restarts.add_metric([name], entry.restarts)
            given_up.add_metric([name], int(entry.given_up))
        yield restarts
        yield given_up


class _DefaultRegistry(Collector):
    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def render_metrics(state: StateCollector, *extra: Collector) -> tuple[bytes, str]:
    """The exposition document for one scrape."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_DefaultRegistry())
    registry.register(state)
    for collector in extra:
        registry.register(collector)
    return generate_latest(registry), CONTENT_TYPE_LATEST
