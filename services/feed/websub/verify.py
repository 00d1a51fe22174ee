"""Verifying intent: the hub asks the callback to echo a challenge before it acts.

A subscription is stored, renewed or removed only when the callback answers
the verification GET with 2xx and the challenge; a request the hub turns
down after answering 202 (the topic or the hub is full) is told to the
callback with ``hub.mode=denied``.
"""

from __future__ import annotations

import logging
import secrets
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from services.feed.websub import client, store
from services.feed.websub.callbacks import CallbackRefused, Target, resolve
from services.feed.websub.limits import RateLimits
from shared.db import utcnow
from shared.models.websub import WebSubIntent
from shared.settings import Settings

log = logging.getLogger(__name__)
MAX_ECHO = 1024  # the challenge is 32 characters; a longer answer is wrong anyway


def with_query(path: str, params: dict[str, str]) -> str:
    """The callback's path with the hub's parameters added to any query it has."""
    return path + ("&" if "?" in path else "?") + urlencode(params)


def verify_intent(
    session: Session, settings: Settings, limits: RateLimits, intent_id: int
) -> str | float:
    """The outcome's name, or seconds to wait when the rate limit says so.

    Raises client.CallbackError when the callback cannot be reached (worth a retry).
    """
    intent = session.get(WebSubIntent, intent_id)
    if intent is None:
        return "gone"
    if store.newer_intent_exists(session, intent):
        return _finish(session, intent, "superseded")
    try:
        target = resolve(intent.callback, allow_private=settings.websub_allow_private_callbacks)
    except CallbackRefused as exc:
        log.warning("websub: %s for %s refused: %s", intent.mode, intent.topic, exc)
        return _finish(session, intent, "refused")
    wait = limits.outgoing(intent.callback)
    if wait:
        return wait
    if intent.mode == "subscribe":
        reason = _full(session, settings, intent)
        if reason:
            _deny(settings, target, intent, reason)
            return _finish(session, intent, "denied")
    challenge = secrets.token_urlsafe(24)
    params = {"hub.mode": intent.mode, "hub.topic": intent.topic, "hub.challenge": challenge}
    if intent.mode == "subscribe":
        params["hub.lease_seconds"] = str(intent.lease_seconds)
    answer = client.request(
        target,
        "GET",
        path=with_query(target.path, params),
        timeout=settings.websub_timeout,
        max_body=MAX_ECHO,
    )
    if not answer.ok or answer.body.rstrip(b"\r\n") != challenge.encode():
        log.info(
            "websub: %s of %s to %s not confirmed (status %d, challenge %s)",
            intent.mode,
            intent.callback,
            intent.topic,
            answer.status,
            "echoed" if answer.body.rstrip(b"\r\n") == challenge.encode() else "not echoed",
        )
        return _finish(session, intent, "unconfirmed")
    if intent.mode == "subscribe":
        row = store.subscribe(session, intent, utcnow())
        log.info(
            "websub: %s subscribed to %s until %s", intent.callback, intent.topic, row.expires_at
        )
    else:
        store.unsubscribe(session, intent.topic_key, intent.callback)
        log.info("websub: %s unsubscribed from %s", intent.callback, intent.topic)
    return _finish(session, intent, "verified")


def _finish(session: Session, intent: WebSubIntent, outcome: str) -> str:
    session.delete(intent)
    session.commit()
    return outcome


def _full(session: Session, settings: Settings, intent: WebSubIntent) -> str | None:
    if store.find(session, intent.topic_key, intent.callback) is not None:
        return None  # a renewal takes no new room
    if store.count_for_topic(session, intent.topic_key) >= settings.websub_max_per_topic:
        return "the topic has its most subscriptions"
    if store.count_total(session) >= settings.websub_max_total:
        return "the hub has its most subscriptions"
    return None


def _deny(settings: Settings, target: Target, intent: WebSubIntent, reason: str) -> None:
    params = {"hub.mode": "denied", "hub.topic": intent.topic, "hub.reason": reason}
    log.info("websub: %s denied for %s: %s", intent.callback, intent.topic, reason)
    try:
        client.request(
            target, "GET", path=with_query(target.path, params), timeout=settings.websub_timeout
        )
    except client.CallbackError as exc:
        log.info("websub: could not tell %s of the denial: %s", intent.callback, exc)
