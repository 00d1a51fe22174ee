"""A redis-py client for ``SILKFEED_REDIS_URL``, whichever form it takes.

Celery (kombu) understands ``sentinel://`` broker URLs itself; redis-py's
``Redis.from_url`` does not. Code that talks to Redis directly gets its client
here, so one URL works for both: ``redis://``, ``rediss://`` (TLS, e.g. a
managed Redis; ``?ssl_cert_reqs=required``), ``unix://``, and
``sentinel://[:PASSWORD@]HOST:PORT[/DB];sentinel://HOST:PORT…`` with the master
named by ``SILKFEED_REDIS_SENTINEL_MASTER`` — the same URL form and option kombu
reads, so the broker and the direct clients always reach the same master.
"""

from __future__ import annotations

import os
import threading
from typing import Any
from urllib.parse import unquote, urlsplit

import redis
from redis.sentinel import Sentinel

from shared.settings import Settings


def is_sentinel_url(url: str) -> bool:
    return url.startswith("sentinel://")


def redis_client(url: str, *, sentinel_master: str = "", **kwargs: Any) -> redis.Redis:
    """A client for ``url``; ``kwargs`` (timeouts, retry…) apply to the data connections."""
    if not is_sentinel_url(url):
        return redis.Redis.from_url(url, **kwargs)
    if not sentinel_master:
        raise ValueError(
            "a sentinel:// URL needs the master's name (SILKFEED_REDIS_SENTINEL_MASTER)"
        )
    parts = [urlsplit(part.strip()) for part in url.split(";") if part.strip()]
    for parsed in parts:
        if parsed.scheme != "sentinel" or not parsed.hostname:
            raise ValueError(f"not a sentinel://HOST:PORT URL: {parsed.geturl()!r}")
    nodes = [(p.hostname or "", p.port or 26379) for p in parts]
    # As kombu reads it: the master's database and credentials come from the first part.
    first = parts[0]
    db = int(first.path.strip("/") or 0)
    username = unquote(first.username) if first.username else None
    password = unquote(first.password) if first.password is not None else None
    timeouts = {k: kwargs[k] for k in ("socket_timeout", "socket_connect_timeout") if k in kwargs}
    sentinel = Sentinel(nodes, sentinel_kwargs=timeouts)
    return sentinel.master_for(
        sentinel_master,
        redis_class=redis.Redis,
        db=db,
        username=username,
        password=password,
        **kwargs,
    )


def settings_client(settings: Settings, **kwargs: Any) -> redis.Redis:
    """A client for this stack's Redis, as its settings name it."""
    return redis_client(
        settings.redis_url, sentinel_master=settings.redis_sentinel_master, **kwargs
    )


class ProcessClients:
    """This process's Redis clients, one per set of options, made on first use.

    A forked worker child gets clients of its own (prefork children must not
    share a socket): the cache is keyed by the process id.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pid = 0
        self._clients: dict[tuple[tuple[str, Any], ...], redis.Redis] = {}
        self._lock = threading.Lock()

    def get(self, **kwargs: Any) -> redis.Redis:
        key = tuple(sorted(kwargs.items()))
        with self._lock:
            if self._pid != os.getpid():
                self._pid, self._clients = os.getpid(), {}
            client = self._clients.get(key)
            if client is None:
                client = self._clients[key] = settings_client(self.settings, **kwargs)
            return client
