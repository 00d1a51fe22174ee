"""The feed locks the renderer takes for a round's feeds (``services.feed.coalesce``).

A web process renders a feed a reader polls as soon as it hears the feed has
changed (``read_render``), under that feed's lock. The renderer takes the locks
of a round's feeds before it looks at what is stored, waiting for those a web
process holds: the look then sees the web process's render, and the renderer
skips what it covers instead of rendering it a second time beside it. A web
process that finds a feed's lock held by the renderer serves its copy, and
hears of the renderer's render by its announcement. Each lock is let go of in
the round trip that unmarks its feed (``coalesce_scripts.RENDERED``), or
together when a render fails or the drain stops before it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection

import redis

from services.feed import coalesce_scripts as scripts

log = logging.getLogger(__name__)

# The longest a round waits for web processes rendering its feeds; it renders
# them too after that. The two renders may then cross, which is safe (a render
# never stores over a later one): only the work is wasted.
READ_RENDER_WAIT = 2.0


class FeedLocks:
    def __init__(self, client: redis.Redis, prefix: str, lock_ms: int) -> None:
        self.client = client
        self.prefix = prefix
        self.lock_ms = lock_ms
        self._take = client.register_script(scripts.TAKE_FEED_LOCKS)
        # The feeds whose lock the renderer took and has not let go of yet.
        self.held: set[str] = set()

    def key(self, name: str) -> str:
        return scripts.feed_lock_key(self.prefix, name)

    def take(self, names: list[str], token: str) -> None:
        """Take these feeds' locks for ``token``, waiting for those a web process
        holds (``READ_RENDER_WAIT`` at most): one round trip when none is held."""
        self.held.update(names)
        keys = [self.key(name) for name in names]
        deadline = time.monotonic() + READ_RENDER_WAIT
        while keys:
            busy = self._take(keys=keys, args=[token, self.lock_ms])
            if not busy or time.monotonic() > deadline:
                return
            keys = [keys[int(i) - 1] for i in busy]
            time.sleep(0.001)

    def unmarked(self, name: str) -> None:
        """``name``'s lock goes with its unmarking (``RENDERED``)."""
        self.held.discard(name)

    def release(self, names: Collection[str], token: str) -> None:
        """Let go of these feeds' locks (they stay marked), in one round trip."""
        names = list(names)
        self.held.difference_update(names)
        pipe = self.client.pipeline(transaction=False)
        for name in names:
            pipe.eval(scripts.DELETE_IF_OWNER, 1, self.key(name), token)
        try:
            pipe.execute()
        except redis.RedisError:
            log.warning("could not let go of the locks of %s; they expire", ", ".join(names))
