"""Per-token rate limit of the ingest API: a token bucket in Redis.

The bucket lives in Redis, not in the process, so the limit holds across every
web process and every API instance of the stack. One Lua script refills
and takes a token atomically, on Redis' own clock (no clock skew between API
hosts). A token may burst ``per_minute`` requests, then gets ``per_minute``
a minute.

If Redis is down or slow the limiter fails OPEN: the request is accepted.
Durable acceptance comes first — a page posted during a Redis outage must
still be committed and answered 202 within a second — and an outage is short,
while a refused page may be lost upstream. Redis is then left alone for a few
seconds, so requests do not each wait for a timeout.
"""

from __future__ import annotations

import logging
import math
import threading
import time

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from shared.problems import Problem
from shared.redis_client import settings_client
from shared.settings import Settings

log = logging.getLogger(__name__)

# KEYS[1]: the bucket; ARGV[1]: capacity; ARGV[2]: tokens per millisecond.
# Returns {allowed (1|0), milliseconds until a token is there, tokens left}.
_TAKE = """
local capacity = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
if now > ts then
  tokens = math.min(capacity, tokens + (now - ts) * per_ms)
end
local allowed = 0
local wait_ms = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait_ms = math.ceil((1 - tokens) / per_ms)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / per_ms) + 1000)
return {allowed, wait_ms, math.floor(tokens)}
"""


def request_path_client(settings: Settings, timeout: float = 0.25) -> redis.Redis:
    """Short timeouts and no retries: the limiter runs inside a request."""
    return settings_client(
        settings,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
    )


class RateLimiter:
    def __init__(
        self,
        client: redis.Redis,
        key_prefix: str,
        per_minute: int,
        *,
        pause_after_error: float = 2.0,
    ) -> None:
        self.per_minute = per_minute
        self.key_prefix = key_prefix
        self.pause_after_error = pause_after_error
        self._client = client
        self._take = self._client.register_script(_TAKE)
        self._skip_until = 0.0
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def key(self, label: str) -> str:
        return f"{self.key_prefix}ratelimit:ingest:{label}"

    def check(self, label: str) -> None:
        """Take one request from the token's bucket, or raise a 429 problem."""
        if not self.enabled or time.monotonic() < self._skip_until:
            return
        try:
            allowed, wait_ms, _left = self._take(
                keys=[self.key(label)], args=[self.per_minute, self.per_minute / 60_000]
            )
        except (redis.RedisError, OSError) as exc:
            with self._lock:
                if time.monotonic() >= self._skip_until:
                    log.warning("rate limit not enforced: Redis unavailable (%s)", exc)
                self._skip_until = time.monotonic() + self.pause_after_error
            return
        if not allowed:
            retry_after = max(1, math.ceil(int(wait_ms) / 1000))
            raise Problem(
                429,
                f"this token may post {self.per_minute} pages a minute; "
                f"try again in {retry_after} s",
                kind="rate-limited",
                headers={"Retry-After": str(retry_after)},
                limit_per_minute=self.per_minute,
                retry_after=retry_after,
            )

    def close(self) -> None:
        self._client.close()
