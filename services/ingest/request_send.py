"""The Redis connection a request thread may send its page's task on (``Outbox.send_now``).

A request must not wait on a slow or absent Redis for long. Three things keep
its wait to a round trip or two of ``TIMEOUT`` each: the connection is opened
and its handshake made by the relay's thread (``warm``), never by a request;
after a failure requests leave every send to the relay for ``PAUSE_SECONDS``,
and the connection is dropped, to be opened again by the relay; and a request
never builds a task message on a connection of its own (the caller checks the
message builder is ready). What is left for a request is the offer's script:
one round trip, two when Redis lost its scripts (a restart).
"""

from __future__ import annotations

import logging
import threading
import time

from services.ingest.ratelimit import request_path_client
from shared import contracts
from shared.backlog import Backlog
from shared.settings import Settings

log = logging.getLogger(__name__)

# A request's wait for one Redis reply at most; after a failure, requests leave
# sends this long; and this long after any send, too (pages that close are a
# burst, offered together by the relay).
TIMEOUT, PAUSE_SECONDS, QUIET_SECONDS = 0.01, 5.0, 0.05


class RequestSend:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._backlog: Backlog | None = None
        self._failed_until = self._quiet_until = 0.0

    def warm(self) -> None:
        """Open the connection (the relay's thread calls this after its sends)."""
        if self._backlog is not None or time.monotonic() < self._failed_until:
            return
        # No retries: a retry's backoff would hold a request for seconds.
        client = request_path_client(self._settings, TIMEOUT)
        try:
            client.ping()
        except Exception as exc:  # the relay's own sends report an outage
            log.debug("no connection for requests' sends yet: %s", exc)
            client.close()
            return
        with self._lock:
            self._backlog = Backlog.of(client, self._settings, contracts.BACKLOG_INGEST)

    def backlog(self) -> Backlog | None:
        """The backlog to offer on now, or None: the relay sends."""
        with self._lock:
            now = time.monotonic()
            return None if now < max(self._failed_until, self._quiet_until) else self._backlog

    def failed(self) -> None:
        """A send failed: requests leave sends to the relay, which opens a new connection."""
        with self._lock:
            self._failed_until = max(self._failed_until, time.monotonic() + PAUSE_SECONDS)
            dropped, self._backlog = self._backlog, None
        if dropped is not None:
            dropped.client.close()

    def sent(self) -> None:
        """Something was just sent: the pages that follow are left to the relay a moment."""
        with self._lock:
            self._quiet_until = max(self._quiet_until, time.monotonic() + QUIET_SECONDS)

    @property
    def paused(self) -> bool:
        return time.monotonic() < max(self._failed_until, self._quiet_until)
