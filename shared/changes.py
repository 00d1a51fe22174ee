"""Announcing stored changes to every feed web process, which drops its copies at once.

One Redis pub/sub channel per stack; a message is a JSON list of keys. A key
names a stored feed document (``rates.atom``, ``tag:china.atom?q=x``) or, for a
copy that is not a feed, the name below. Workers on any host announce here
after they commit; the feed processes' watcher (``services.feed.memory``)
listens, and sweeps the database for what an announcement lost in transit.
"""

from __future__ import annotations

import json

import redis

# The feed process's copy of /api/v1/rates/latest answers: a name no feed
# takes (no dot, no slash, so it stays whole when read as a feed key).
LATEST_RATES = "api:rates-latest"


def changes_channel(prefix: str) -> str:
    return f"{prefix}feeds:changed"


def announce(client: redis.Redis, prefix: str, keys: list[str]) -> None:
    """Tell every web process these stored documents changed."""
    if keys:
        client.publish(changes_channel(prefix), json.dumps(keys))
