"""The first render of a subscription document, made when a reader asks for it.

The feed worker keeps current only the documents that are stored
(``publish.refresh``): a format or a feed nobody reads costs a change nothing.
The first request for a document (or the first WebSub subscription to it)
renders that format alone, on the spot, and then asks the worker to refresh
its feed. The refresh covers a change committed after the render read the
database whose own refresh the worker ran before the new document was stored,
so it did not render it: without it, the document would miss that change
until the next one.
"""

from __future__ import annotations

import logging
import uuid

import redis
from celery import Celery

from shared.celery_app import create_celery
from shared.db import utcnow
from shared.refresh_queue import request_refresh
from shared.settings import Settings

log = logging.getLogger(__name__)


class RefreshAfterFirstRender:
    """Asks the feed worker for a refresh of a feed just rendered for the first time."""

    def __init__(self, settings: Settings, client: redis.Redis) -> None:
        self.settings = settings
        self.client = client
        self._celery: Celery | None = None

    def request(self, name: str) -> None:
        """One round trip; a failure is logged, and the next change renders the feed."""
        if self._celery is None:
            self._celery = create_celery("silkfeed-feed-web", self.settings)
        try:
            request_refresh(
                self._celery,
                self.client,
                self.settings.key_prefix,
                [name],
                utcnow(),
                owner=uuid.uuid4().hex,
            )
        except Exception:
            log.warning(
                "could not ask for a refresh of %s after its first render", name, exc_info=True
            )
