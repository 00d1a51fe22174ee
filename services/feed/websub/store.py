"""The hub's rows: intents awaiting verification and verified subscriptions."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from shared.models.websub import WebSubIntent, WebSubSubscription

log = logging.getLogger(__name__)


def count_for_topic(session: Session, key: str, *, besides: str | None = None) -> int:
    """Subscriptions to ``key``, not counting one of ``besides`` (a renewal adds none)."""
    query = select(func.count()).select_from(WebSubSubscription)
    query = query.where(WebSubSubscription.topic_key == key)
    if besides is not None:
        query = query.where(WebSubSubscription.callback != besides)
    return int(session.scalar(query) or 0)


def count_total(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(WebSubSubscription)) or 0)


def count_intents(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(WebSubIntent)) or 0)


def find(session: Session, key: str, callback: str) -> WebSubSubscription | None:
    return session.scalar(
        select(WebSubSubscription).where(
            WebSubSubscription.topic_key == key, WebSubSubscription.callback == callback
        )
    )


def newer_intent_exists(session: Session, intent: WebSubIntent) -> bool:
    """A later request for the same topic and callback makes this one moot."""
    return bool(
        session.scalar(
            select(func.count())
            .select_from(WebSubIntent)
            .where(
                WebSubIntent.topic_key == intent.topic_key,
                WebSubIntent.callback == intent.callback,
                WebSubIntent.id > intent.id,
            )
        )
    )


def subscribe(session: Session, intent: WebSubIntent, now: datetime) -> WebSubSubscription:
    """The verified intent as a subscription (a renewal replaces lease and secret)."""
    row = find(session, intent.topic_key, intent.callback)
    if row is None:
        row = WebSubSubscription(
            topic=intent.topic,
            topic_key=intent.topic_key,
            callback=intent.callback,
            created_at=now,
        )
        session.add(row)
    row.secret = intent.secret
    row.lease_seconds = intent.lease_seconds
    row.expires_at = now + timedelta(seconds=intent.lease_seconds)
    row.failing_since = None
    return row


def unsubscribe(session: Session, key: str, callback: str) -> bool:
    result = session.execute(
        delete(WebSubSubscription).where(
            WebSubSubscription.topic_key == key, WebSubSubscription.callback == callback
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def expire(session: Session, now: datetime, key: str | None = None) -> int:
    """Delete subscriptions whose lease ended (of one topic, or all); logs each."""
    query = select(WebSubSubscription).where(WebSubSubscription.expires_at <= now)
    if key is not None:
        query = query.where(WebSubSubscription.topic_key == key)
    ended = session.scalars(query).all()
    for row in ended:
        log.info("websub: lease of %s for %s ended at %s", row.callback, row.topic, row.expires_at)
        session.delete(row)
    return len(ended)


def active_ids(session: Session, key: str, now: datetime) -> list[int]:
    return list(
        session.scalars(
            select(WebSubSubscription.id)
            .where(WebSubSubscription.topic_key == key, WebSubSubscription.expires_at > now)
            .order_by(WebSubSubscription.id)
        )
    )


def counts_by_topic(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(WebSubSubscription.topic, func.count()).group_by(WebSubSubscription.topic)
    ).all()
    return {topic: int(n) for topic, n in rows}
