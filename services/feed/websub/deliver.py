"""Delivering a changed feed document to one subscriber's callback.

The full document is POSTed with the feed's content type, the ``hub`` and
``self`` links, and, when the subscriber gave a secret, ``X-Hub-Signature:
sha256=<hex HMAC of the body>``. A failed delivery is retried by the task; a
callback that has failed every delivery for ``WEBSUB_DROP_AFTER`` seconds is
dropped. Deliveries are at least once: a subscriber may see one document twice.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import datetime

from sqlalchemy.orm import Session

from services.feed.websub import client
from services.feed.websub.callbacks import CallbackRefused, resolve
from services.feed.websub.limits import RateLimits
from services.feed.websub.topics import link_header
from shared.db import utcnow
from shared.models import RenderedFeed
from shared.models.websub import WebSubSubscription
from shared.settings import Settings

log = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """The callback did not take the document; worth another try later."""


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver(
    session: Session, settings: Settings, limits: RateLimits, subscription_id: int, key: str,
    etag: str,
) -> str | float:
    """The outcome's name, or seconds to wait when the rate limit says so.

    Raises DeliveryFailed when the callback failed and the subscription stays.
    """
    sub = session.get(WebSubSubscription, subscription_id)
    if sub is None:
        return "gone"
    now = utcnow()
    if sub.expires_at <= now:
        log.info("websub: lease of %s for %s ended at %s", sub.callback, sub.topic, sub.expires_at)
        session.delete(sub)
        session.commit()
        return "expired"
    row = session.get(RenderedFeed, key)
    if row is None:
        return "gone"
    if row.etag != etag:
        return "superseded"  # a newer render has its own deliveries queued
    try:
        target = resolve(sub.callback, allow_private=settings.websub_allow_private_callbacks)
    except CallbackRefused as exc:
        return _failed(session, settings, sub, now, f"refused: {exc}")
    wait = limits.outgoing(sub.callback)
    if wait:
        return wait
    headers = {
        "Content-Type": row.content_type,
        "Link": link_header(settings, sub.topic, pushable=True),
    }
    if sub.secret:
        headers["X-Hub-Signature"] = signature(sub.secret, row.body)
    try:
        answer = client.request(
            target, "POST", body=row.body, headers=headers, timeout=settings.websub_timeout
        )
    except client.CallbackError as exc:
        return _failed(session, settings, sub, now, str(exc))
    if not answer.ok:
        return _failed(session, settings, sub, now, f"status {answer.status}")
    sub.failing_since = None
    sub.delivered_at = utcnow()
    session.commit()
    return "delivered"


def _failed(
    session: Session, settings: Settings, sub: WebSubSubscription, now: datetime, why: str
) -> str:
    if sub.failing_since is None:
        sub.failing_since = now
    failing = (now - sub.failing_since).total_seconds()
    if failing >= settings.websub_drop_after:
        log.warning(
            "websub: dropped %s from %s: every delivery failed for %.0f s (last: %s)",
            sub.callback,
            sub.topic,
            failing,
            why,
        )
        session.delete(sub)
        session.commit()
        return "dropped"
    session.commit()
    raise DeliveryFailed(f"delivery to {sub.callback} failed: {why}")
