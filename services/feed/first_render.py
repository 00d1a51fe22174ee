"""The first render of a subscription document, made when a reader asks for it.

The feed worker keeps current only the documents that are stored
(``publish.refresh``): a format or a feed nobody reads costs a change nothing.
The first request for a document (or the first WebSub subscription to it)
renders that format alone, on the spot, and then asks the worker to refresh
its feed. The refresh covers a change committed after the render read the
database whose own refresh the worker ran before the new document was stored,
so it did not render it: without it, the document would miss that change
until the next one.

The request is sent by a thread of the web process, never by the reader's
request: a slow or absent Redis holds no reader up. A refresh that cannot be
sent is tried again every ``RETRY_SECONDS`` until it is, so an outage delays
it without losing it.
"""

from __future__ import annotations

import logging
import threading
import uuid

import redis
from celery import Celery

from shared.celery_app import create_celery
from shared.db import utcnow
from shared.refresh_queue import request_refresh
from shared.settings import Settings

log = logging.getLogger(__name__)

RETRY_SECONDS = 2.0
# Feeds waiting for their refresh at most (a feed already waiting costs nothing more).
MAX_WAITING = 10_000


class RefreshAfterFirstRender:
    """Asks the feed worker, from a thread of its own, to refresh feeds just
    rendered for the first time."""

    def __init__(self, settings: Settings, client: redis.Redis) -> None:
        self.settings = settings
        self.client = client
        self._celery: Celery | None = None
        # Feed → the number of its latest request: a request made while a send
        # of the same feed is under way stays, to be sent again after it.
        self._waiting: dict[str, int] = {}
        self._asked = 0
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def request(self, name: str) -> None:
        """Queue a refresh of feed ``name``; returns at once."""
        with self._wake:
            if name not in self._waiting and len(self._waiting) >= MAX_WAITING:
                log.warning(
                    "%d feeds wait for a refresh already; %s waits for its next change",
                    MAX_WAITING,
                    name,
                )
                return
            self._asked += 1
            self._waiting[name] = self._asked
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="first-render-refresh", daemon=True
                )
                self._thread.start()
            self._wake.notify()

    def waiting(self) -> list[str]:
        with self._wake:
            return list(self._waiting)

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._waiting:
                    self._wake.wait()
                taken = dict(self._waiting)
            if self._send(list(taken)):
                with self._wake:
                    for name, asked in taken.items():
                        if self._waiting.get(name) == asked:
                            del self._waiting[name]
            else:
                with self._wake:
                    self._wake.wait(RETRY_SECONDS)

    def _send(self, names: list[str]) -> bool:
        """One request for every waiting feed; False if it could not be sent."""
        try:
            if self._celery is None:
                self._celery = create_celery("silkfeed-feed-web", self.settings)
            request_refresh(
                self._celery,
                self.client,
                self.settings.key_prefix,
                names,
                utcnow(),
                owner=uuid.uuid4().hex,
                # The render just made covers what it read: nothing to render on read.
                tell_readers=False,
            )
        except Exception:
            log.warning(
                "could not ask for a refresh of %s after a first render; trying again in %gs",
                ", ".join(names[:5]),
                RETRY_SECONDS,
                exc_info=True,
            )
            return False
        return True
