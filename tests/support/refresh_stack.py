"""A feed queue's refresh requests on a test Redis, under a key prefix of their own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from types import ModuleType

import pytest
import redis
from celery import Celery

from services.feed.coalesce import RenderCoalescer
from shared import contracts
from shared.refresh_queue import request_refresh
from tests.support.celery_apps import prefixed_app


def refresh_app(url: str, prefix: str) -> Celery:
    return prefixed_app("refresh-queue-test", url, prefix)


class Stack:
    def __init__(self, url: str) -> None:
        self.prefix = f"rq-{uuid.uuid4().hex[:8]}:"
        self.client = redis.Redis.from_url(url)
        self.app = refresh_app(url, self.prefix)
        self.coalescer = RenderCoalescer(self.client, self.prefix, lock_ms=2000)

    def request(self, feeds: list[str], owner: str, at: datetime | None = None) -> bool:
        return request_refresh(
            self.app, self.client, self.prefix, feeds, at or datetime.now(UTC), owner
        )

    def queued(self) -> int:
        return int(self.client.llen(self.prefix + contracts.QUEUE_FEED))


@contextmanager
def refresh_stack(url: str) -> Iterator[Stack]:
    """A ``Stack`` on the Redis at ``url``; its keys are deleted afterwards."""
    s = Stack(url)
    try:
        yield s
    finally:
        for key in s.client.scan_iter(f"{s.prefix}*"):
            s.client.delete(key)
        s.app.close()
        s.client.close()


def recorded_requests(
    monkeypatch: pytest.MonkeyPatch, module: ModuleType
) -> list[dict[str, object]]:
    """The keyword arguments of each ``request_refresh`` call ``module`` makes from now
    on (each call still made)."""
    asked: list[dict[str, object]] = []
    real = module.request_refresh

    def recorded(*args: object, **kwargs: object) -> bool:
        asked.append(kwargs)
        return bool(real(*args, **kwargs))

    monkeypatch.setattr(module, "request_refresh", recorded)
    return asked
