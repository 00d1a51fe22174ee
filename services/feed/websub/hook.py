"""The renderer's one call into the hub: after the feed worker stored changed
documents, queue one publish task per changed document that has subscribers.

Sending a small task is all the render path does; the websub worker, on its
own queue, does the fan-out and the deliveries, so no subscriber can slow a
render. A failure to queue is logged and never fails the render.
"""

from __future__ import annotations

import logging

from celery import Celery
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.feed.websub import store
from shared import contracts
from shared.celery_app import send
from shared.db import utcnow
from shared.models import RenderedFeed

log = logging.getLogger(__name__)


def documents_changed(app: Celery, session: Session, keys: list[str]) -> int:
    """Queue the pushes for these changed document keys; returns how many were queued."""
    try:
        topics = store.topics_with_subscribers(session, keys)
        if not topics:
            return 0
        etags = dict(
            session.execute(
                select(RenderedFeed.key, RenderedFeed.etag).where(RenderedFeed.key.in_(topics))
            ).all()
        )
        now = utcnow().isoformat()
        for key in topics:
            payload = {"key": key, "etag": etags[key], "changed_at": now}
            send(app, contracts.WEBSUB_PUBLISH, payload)
        return len(topics)
    except Exception:
        session.rollback()
        log.warning("websub: could not queue the push of %s", ", ".join(keys), exc_info=True)
        return 0
