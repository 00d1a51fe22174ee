"""Task counts and durations, kept in Redis by every worker process on every host,
so any web process can expose the whole fleet's figures at /metrics."""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field

import redis

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


@dataclass
class TaskFigures:
    states: dict[str, int] = field(default_factory=dict)
    count: int = 0
    total_seconds: float = 0.0
    buckets: list[int] = field(default_factory=lambda: [0] * (len(BUCKETS) + 1))

    def cumulative(self) -> list[tuple[str, int]]:
        out, running = [], 0
        for bound, n in zip([*map(str, BUCKETS), "+Inf"], self.buckets, strict=True):
            running += n
            out.append((bound, running))
        return out


class TaskMetrics:
    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client = client
        self.key = f"{prefix}metrics:tasks"

    def record(self, task: str, state: str, seconds: float | None) -> None:
        pipe = self.client.pipeline(transaction=False)
        pipe.hincrby(self.key, f"{task}|state|{state}", 1)
        if seconds is not None:
            pipe.hincrby(self.key, f"{task}|count", 1)
            pipe.hincrbyfloat(self.key, f"{task}|sum", seconds)
            pipe.hincrby(self.key, f"{task}|bucket|{bisect.bisect_left(BUCKETS, seconds)}", 1)
        pipe.execute()

    def read(self) -> dict[str, TaskFigures]:
        figures: dict[str, TaskFigures] = defaultdict(TaskFigures)
        for raw_key, raw_value in self.client.hgetall(self.key).items():
            task, kind, *rest = raw_key.decode().split("|")
            fig, value = figures[task], raw_value.decode()
            if kind == "state":
                fig.states[rest[0]] = int(value)
            elif kind == "count":
                fig.count = int(value)
            elif kind == "sum":
                fig.total_seconds = float(value)
            elif kind == "bucket":
                fig.buckets[int(rest[0])] = int(value)
        return dict(figures)
