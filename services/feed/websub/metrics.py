"""The hub's figures for /metrics: subscriptions by topic (from the database),
deliveries by outcome and delivery latency (kept in Redis by every websub worker)."""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterator

import redis
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from services.feed.websub import store

log = logging.getLogger(__name__)
# Seconds from the render that changed a document to its delivery's answer.
BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 3600.0)


class DeliveryFigures:
    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client = client
        self.key = f"{prefix}metrics:websub"

    def record(self, outcome: str, latency: float | None = None) -> None:
        pipe = self.client.pipeline(transaction=False)
        pipe.hincrby(self.key, f"outcome|{outcome}", 1)
        if latency is not None:
            pipe.hincrby(self.key, "latency|count", 1)
            pipe.hincrbyfloat(self.key, "latency|sum", latency)
            pipe.hincrby(self.key, f"latency|bucket|{bisect.bisect_left(BUCKETS, latency)}", 1)
        pipe.execute()

    def read(self) -> tuple[dict[str, int], list[tuple[str, float]], float]:
        outcomes: dict[str, int] = {}
        buckets = [0] * (len(BUCKETS) + 1)
        total = 0.0
        for raw_key, raw_value in self.client.hgetall(self.key).items():
            kind, _, rest = raw_key.decode().partition("|")
            if kind == "outcome":
                outcomes[rest] = int(raw_value)
            elif rest == "sum":
                total = float(raw_value)
            elif rest.startswith("bucket|"):
                buckets[int(rest.split("|")[1])] = int(raw_value)
        cumulative, running = [], 0
        for bound, n in zip([*map(str, BUCKETS), "+Inf"], buckets, strict=True):
            running += n
            cumulative.append((bound, float(running)))
        return outcomes, cumulative, total


class HubCollector(Collector):
    def __init__(self, engine: Engine, client: redis.Redis, prefix: str) -> None:
        self.engine = engine
        self.figures = DeliveryFigures(client, prefix)

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily | HistogramMetricFamily]:
        subscriptions = GaugeMetricFamily(
            "silkfeed_websub_subscriptions", "WebSub subscriptions by topic.", labels=["topic"]
        )
        try:
            with Session(self.engine) as session:
                for topic, n in sorted(store.counts_by_topic(session).items()):
                    subscriptions.add_metric([topic], n)
            yield subscriptions
        except Exception as exc:
            log.warning("metrics: websub subscriptions unavailable: %s", exc)
        try:
            outcomes, cumulative, total = self.figures.read()
        except redis.RedisError as exc:
            log.warning("metrics: websub figures unavailable: %s", exc)
            return
        deliveries = CounterMetricFamily(
            "silkfeed_websub_deliveries", "WebSub delivery attempts by outcome.",
            labels=["outcome"],
        )
        for outcome, n in sorted(outcomes.items()):
            deliveries.add_metric([outcome], n)
        yield deliveries
        latency = HistogramMetricFamily(
            "silkfeed_websub_delivery_latency_seconds",
            "Seconds from the render that changed a feed to its delivery to a subscriber.",
        )
        latency.add_metric([], cumulative, total)  # type: ignore[arg-type]
        yield latency
