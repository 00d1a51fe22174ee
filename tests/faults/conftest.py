"""Fault tests: each starts its own Redis and its own service processes, so killing
or stopping them never touches what other tests share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.stack import Stack, make_stack
from tests.support.redis_server import RedisServer


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    if server.proc is not None:
        server.proc.kill()  # also if a test left it paused
        server.proc.wait(10)


@pytest.fixture
def stack(db_url: str, own_redis: RedisServer, tmp_path: Path) -> Iterator[Stack]:
    st = make_stack(db_url, own_redis, tmp_path)
    try:
        yield st
    finally:
        for proc in st.procs:
            proc.kill_group()
