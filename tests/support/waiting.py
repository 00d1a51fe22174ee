"""Polling helpers: wait for a condition that other processes make true."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import TypeVar

import redis

from cli.stats import QUEUES, queue_depths
from shared.contracts import REFRESH_FEEDS

T = TypeVar("T")


def wait_for(
    probe: Callable[[], T | None],
    timeout: float = 30.0,
    interval: float = 0.05,
    what: str = "condition",
) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def pipeline_idle(client: redis.Redis, prefix: str) -> bool:
    """No task waits or runs, and the feed worker has nothing left to render.

    A refresh the feed worker holds back with a countdown (its follow-up check)
    does not count: it renders only feeds still marked, and none are.
    """
    depths = queue_depths(client, prefix)
    if any(depths[queue] for queue in QUEUES):
        return False
    if client.hlen(f"{prefix}feeds:dirty") or client.exists(f"{prefix}feeds:render-lock"):
        return False
    for raw in client.hvals(f"{prefix}unacked"):
        try:
            headers = json.loads(raw)[0].get("headers") or {}
        except (ValueError, TypeError, IndexError, AttributeError):
            return False
        if headers.get("task") != REFRESH_FEEDS or not headers.get("eta"):
            return False
    return True


def pipeline_idle_at(redis_url: str, prefix: str) -> bool:
    """``pipeline_idle`` at one look, on a client of its own."""
    client = redis.Redis.from_url(redis_url)
    try:
        return pipeline_idle(client, prefix)
    finally:
        client.close()


def wait_pipeline_idle(redis_url: str, prefix: str, timeout: float = 120.0) -> None:
    """Wait until the shared workers are done with what a test set off (see pipeline_idle)."""
    client = redis.Redis.from_url(redis_url)
    try:
        # Twice in a row, a moment apart: a task hands over to the next through Redis.
        wait_for(
            lambda: pipeline_idle(client, prefix) and (time.sleep(0.2) or True)
            and pipeline_idle(client, prefix),
            timeout=timeout,
            interval=0.1,
            what="the workers to finish this test's tasks",
        )
    finally:
        client.close()
