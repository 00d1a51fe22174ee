"""Telling of a feed's documents in two steps: the ones readers asked for as
soon as they are committed, the rest once the feed's render is done.

Announced (web processes drop their in-memory copies) and pushed (WebSub
subscribers) as soon as they are committed: a failure rendering the feed's
other formats leaves them stored, so the rerun finds them unchanged and would
tell nobody. An announcement that fails early is left to the final round
trip; a push queues its messages or logs why it could not (``documents_changed``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import redis

log = logging.getLogger(__name__)


@dataclass(slots=True)
class ToldEarly:
    """``publish.refresh``'s ``early``: announces and pushes each group it is given."""

    announce: Callable[[list[str]], None]
    push: Callable[[list[str]], object]
    announced: list[str] = field(default_factory=list)
    pushed: list[str] = field(default_factory=list)

    def __call__(self, changed: list[str]) -> None:
        try:
            self.announce(changed)
            self.announced.extend(changed)
        except redis.RedisError:
            log.warning("could not announce %s early", ", ".join(changed), exc_info=True)
        self.push(changed)
        self.pushed.extend(changed)

    def not_announced(self, changed: list[str]) -> list[str]:
        return [key for key in changed if key not in self.announced]

    def not_pushed(self, changed: list[str]) -> list[str]:
        return [key for key in changed if key not in self.pushed]
