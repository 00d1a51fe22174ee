"""The per-token rate limit: 429 with Retry-After, one budget across processes,
refilled over time, and open (not closed) when Redis is down or hangs."""

from __future__ import annotations

import signal
import time
import uuid
from pathlib import Path

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from services.ingest.app import create_app
from services.ingest.auth import token_label
from services.ingest.ratelimit import RateLimiter
from shared.problems import Problem
from shared.settings import Settings
from tests.conftest import TOKEN
from tests.support.redis_server import RedisServer
from tests.support.waiting import wait_for

OTHER_TOKEN = "other-token-0123456789abcdef"


def prefix() -> str:
    return f"silkfeed:rl-{uuid.uuid4().hex[:8]}:"


def test_over_the_limit_is_429_with_retry_after(settings: Settings, tmp_path: Path) -> None:
    cfg = Settings(
        database_url=settings.db_url,
        redis_url=settings.redis_url,
        data_dir=tmp_path,
        ingest_tokens=f"{TOKEN},{OTHER_TOKEN}",  # type: ignore[arg-type]
        namespace=f"rl-{uuid.uuid4().hex[:8]}",
        ingest_rate_limit=3,
    )
    client = create_app(cfg, start_relay=False).test_client()

    def post(token: str, i: int):  # type: ignore[no-untyped-def]
        return client.post(
            "/v1/submissions",
            data=f"Page {i}\n\nText {i}.".encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "text/plain"},
        )

    assert [post(TOKEN, i).status_code for i in range(3)] == [202, 202, 202]
    refused = post(TOKEN, 3)
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    retry_after = int(refused.headers["Retry-After"])
    assert 1 <= retry_after <= 20  # a token comes back every 20 s at 3 a minute
    doc = refused.get_json()
    assert doc["status"] == 429 and doc["type"].endswith("/rate-limited")
    assert doc["retry_after"] == retry_after
    # The budget is per token: another token is unaffected.
    assert post(OTHER_TOKEN, 4).status_code == 202


def fast_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url, socket_connect_timeout=0.25, socket_timeout=0.25, retry=Retry(NoBackoff(), 0)
    )


def test_one_budget_across_processes_and_it_refills(redis_server: RedisServer) -> None:
    # Two limiters stand for two gunicorn processes: they share the bucket in Redis.
    key_prefix = prefix()
    # Twelve a minute, one back every 5 s: a loaded machine cannot take so long
    # over the burst that the bucket refills before it is empty.
    first = RateLimiter(fast_client(redis_server.url), key_prefix, per_minute=12)
    second = RateLimiter(fast_client(redis_server.url), key_prefix, per_minute=12)
    label = token_label(TOKEN.encode())
    for i in range(12):
        (first if i % 2 else second).check(label)
    with pytest.raises(Problem) as refused:
        first.check(label)
    assert refused.value.status == 429
    assert 1 <= int(refused.value.headers["Retry-After"]) <= 5
    with pytest.raises(Problem):
        second.check(label)

    def refilled() -> bool:  # one comes back within 5 s
        try:
            second.check(label)
        except Problem:
            return False
        return True

    wait_for(refilled, 15, 0.1, what="the bucket to refill")
    first.close()
    second.close()


def test_limit_zero_never_touches_redis(tmp_path: Path) -> None:
    # A Redis of its own, so that every command it counts came from this test.
    server = RedisServer(tmp_path)
    server.start()
    probe = redis.Redis.from_url(server.url)
    ours = {"cmdstat_info", "cmdstat_config|resetstat"}  # the probe's own commands
    try:
        probe.config_resetstat()
        off = RateLimiter(fast_client(server.url), prefix(), per_minute=0)
        for _ in range(1000):
            off.check("label")
        assert set(probe.info("commandstats")) <= ours
        # The probe does see a limiter that is on: this test can fail.
        RateLimiter(fast_client(server.url), prefix(), per_minute=5).check("label")
        assert set(probe.info("commandstats")) - ours
    finally:
        probe.close()
        server.stop()


def test_fails_open_and_fast_when_redis_is_down_or_hangs(tmp_path: Path) -> None:
    server = RedisServer(tmp_path)
    server.start()
    limiter = RateLimiter(fast_client(server.url), prefix(), per_minute=1)
    try:
        limiter.check("a")
        with pytest.raises(Problem):
            limiter.check("a")
        assert server.proc is not None
        server.proc.send_signal(signal.SIGSTOP)  # hangs: takes connections, answers nothing
        t0 = time.perf_counter()
        limiter.check("a")  # would be refused if Redis answered
        assert time.perf_counter() - t0 < 1.0
        # Redis is then left alone for a while: no request waits for a timeout.
        t0 = time.perf_counter()
        for _ in range(100):
            limiter.check("a")
        assert time.perf_counter() - t0 < 0.1
    finally:
        if server.proc is not None:
            server.proc.send_signal(signal.SIGCONT)
        server.stop()
    down = RateLimiter(fast_client(server.url), prefix(), per_minute=1)
    t0 = time.perf_counter()
    for _ in range(10):
        down.check("a")
    assert time.perf_counter() - t0 < 1.0
    limiter.close()
    down.close()
