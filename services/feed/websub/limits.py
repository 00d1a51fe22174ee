"""Rate limits the hub keeps in Redis, so every process of every host shares them.

Fixed windows: a counter per key and window, expiring with the window. A
window lets through at most ``limit`` requests; the caller learns how long to
wait for the next window when it is full.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import redis


class RateLimits:
    def __init__(self, client: redis.Redis, prefix: str, per_callback: int, overall: int) -> None:
        self.client = client
        self.prefix = f"{prefix}websub:rate:"
        self.per_callback = per_callback  # per minute
        self.overall = overall  # per second

    def _take(self, key: str, limit: int, window: int) -> float:
        """0 when one more request fits in the current window, else seconds to wait."""
        now = time.time()
        slot = int(now // window)
        name = f"{self.prefix}{key}:{slot}"
        pipe = self.client.pipeline(transaction=False)
        pipe.incr(name)
        pipe.expire(name, window + 1)
        count = int(pipe.execute()[0])
        if count <= limit:
            return 0.0
        return (slot + 1) * window - now

    def outgoing(self, callback: str) -> float:
        """Take one request to ``callback``: 0, or seconds until one is allowed.

        The per-callback limit counts by host and port, so many callback URLs
        on one server (someone else's, say) share one allowance.
        """
        wait = self._take(f"out:{_origin(callback)}", self.per_callback, 60)
        if wait:
            return wait
        return self._take("out:all", self.overall, 1)

    def intake(self, callback: str) -> float:
        """Take one subscription request naming ``callback``: 0, or seconds to wait."""
        return self._take(f"in:{_origin(callback)}", self.per_callback, 60)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{parts.port or ''}"
