"""Counting what a step of the pipeline costs: wall time, SQL statements and their
time, database transactions, Redis round trips and the time spent waiting on them.

``Meter.install()`` hooks SQLAlchemy's engine events and redis-py's connection
class (what kombu publishes and consumes through too) for this process; a
``span`` is the difference of the counters between its start and its end, so
spans nest and a span includes its children.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from typing import Any

from redis.connection import AbstractConnection
from sqlalchemy import event
from sqlalchemy.engine import Engine


@dataclass
class Counters:
    ms: float = 0.0  # wall time
    statements: int = 0
    sql_ms: float = 0.0
    commits: int = 0
    redis: int = 0  # round trips: one per command, one per pipeline
    redis_ms: float = 0.0  # waiting for Redis' answers

    def minus(self, other: Counters) -> Counters:
        return Counters(
            **{f.name: getattr(self, f.name) - getattr(other, f.name) for f in fields(self)}
        )


@dataclass
class Meter:
    totals: Counters = field(default_factory=Counters)
    spans: list[tuple[str, Counters]] = field(default_factory=list)
    _installed: bool = False

    def install(self) -> None:
        if self._installed:
            return
        self._installed = True
        meter = self

        @event.listens_for(Engine, "before_cursor_execute")
        def _before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            conn.info["meter_t0"] = time.perf_counter()

        @event.listens_for(Engine, "after_cursor_execute")
        def _after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            meter.totals.statements += 1
            meter.totals.sql_ms += (time.perf_counter() - conn.info.pop("meter_t0")) * 1000

        @event.listens_for(Engine, "commit")
        def _commit(conn: Any) -> None:
            meter.totals.commits += 1

        send = AbstractConnection.send_packed_command
        read = AbstractConnection.read_response

        def counted_send(self: AbstractConnection, command: Any, *a: Any, **kw: Any) -> Any:
            meter.totals.redis += 1
            return send(self, command, *a, **kw)

        def timed_read(self: AbstractConnection, *a: Any, **kw: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return read(self, *a, **kw)
            finally:
                meter.totals.redis_ms += (time.perf_counter() - t0) * 1000

        AbstractConnection.send_packed_command = counted_send  # type: ignore[method-assign]
        AbstractConnection.read_response = timed_read  # type: ignore[method-assign]

    def now(self) -> Counters:
        return Counters(**{**vars(self.totals), "ms": time.perf_counter() * 1000})

    @contextmanager
    def span(self, name: str) -> Iterator[None]:
        before = self.now()
        try:
            yield
        finally:
            self.spans.append((name, self.now().minus(before)))

    def reset(self) -> None:
        self.spans.clear()
