"""The renderer's one call into the hub: after the feed worker stored changed
documents, queue their deliveries.

Sending small tasks is all the render path does; the websub worker, on its
own queue, makes the requests, so no subscriber can slow a render. A topic
with few subscribers gets one delivery task each straight away (one hop less
between a render and the subscriber); a topic with many gets one publish task
that fans out in the websub worker, so a popular feed costs the render one
message. A failure to queue is logged and never fails the render.
"""

from __future__ import annotations

import logging

from celery import Celery
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from shared import contracts
from shared.celery_app import send
from shared.db import utcnow
from shared.models import RenderedFeed, WebSubSubscription

log = logging.getLogger(__name__)
DIRECT_MAX = 20  # subscribers of one topic the render path queues itself
# Built once: every render asks it, and nearly always finds no subscriber, so
# building and compiling the statement cost more than running it.
_COUNTS = (
    select(WebSubSubscription.topic_key, func.count())
    .where(WebSubSubscription.topic_key.in_(bindparam("keys", expanding=True)))
    .group_by(WebSubSubscription.topic_key)
)


def documents_changed(app: Celery, session: Session, keys: list[str]) -> int:
    """Queue the pushes of these changed document keys; returns the messages sent."""
    if not keys:
        return 0
    try:
        # Expired subscriptions too: their delivery task removes them, with a log line.
        counts = dict(session.connection().execute(_COUNTS, {"keys": keys}).all())
        if not counts:
            return 0
        by_topic: dict[str, list[int]] = {key: [] for key in counts}
        few = [key for key, n in counts.items() if n <= DIRECT_MAX]
        if few:
            for key, sub_id in session.execute(
                select(WebSubSubscription.topic_key, WebSubSubscription.id)
                .where(WebSubSubscription.topic_key.in_(few))
                .order_by(WebSubSubscription.id)
            ):
                by_topic[key].append(sub_id)
        etags = dict(
            session.execute(
                select(RenderedFeed.key, RenderedFeed.etag).where(RenderedFeed.key.in_(by_topic))
            ).all()
        )
        now = utcnow().isoformat()
        sent = 0
        for key, ids in by_topic.items():
            common = {"key": key, "etag": etags[key], "changed_at": now}
            if counts[key] > DIRECT_MAX:
                send(app, contracts.WEBSUB_PUBLISH, common)
                sent += 1
                continue
            for sub_id in ids:
                send(app, contracts.WEBSUB_DELIVER, {"subscription_id": sub_id, **common})
                sent += 1
        return sent
    except Exception:
        session.rollback()
        log.warning("websub: could not queue the push of %s", ", ".join(keys), exc_info=True)
        return 0
