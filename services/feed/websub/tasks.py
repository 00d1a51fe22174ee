"""The websub worker's tasks: verify an intent, fan a change out, deliver it.

The worker runs a thread pool (see ``worker``): every task waits on a
callback's network answer, so threads are what lets one slow or dead
subscriber hold one slot, not the queue. ``DbTask`` keeps its session on the
task object, which threads would share, so these tasks open their own.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from celery import Task, shared_task
from sqlalchemy.orm import Session

from services.feed.websub import store
from services.feed.websub.client import CallbackError
from services.feed.websub.deliver import DeliveryFailed, deliver
from services.feed.websub.limits import RateLimits
from services.feed.websub.metrics import DeliveryFigures
from services.feed.websub.verify import verify_intent
from shared import contracts
from shared.celery_app import TASK_OPTIONS, Resources, send
from shared.db import utcnow

log = logging.getLogger(__name__)
# 1, 2, 4 … seconds, at most 120: a retry's countdown must stay well under the
# broker's visibility timeout, or Redis would hand the waiting message out twice.
BACKOFF_MAX = 120
DELIVERY_RETRIES = 10  # about 9 minutes of retries; then the next change tries again
_LOCK = threading.Lock()


def backoff(retries: int) -> int:
    return min(BACKOFF_MAX, 2**retries)


class HubTask(Task):
    abstract = True

    @property
    def resources(self) -> Resources:
        return self.app.resources  # type: ignore[attr-defined,no-any-return]

    @contextmanager
    def session(self) -> Iterator[Session]:
        with _LOCK:  # the lazily built engine must be built once
            factory = self.resources.sessions
        s = factory()
        try:
            yield s
        finally:
            s.rollback()
            s.close()

    def limits(self) -> RateLimits:
        settings = self.resources.settings
        return RateLimits(
            self.resources.redis.get(socket_timeout=5),
            settings.key_prefix,
            settings.websub_callback_rate,
            settings.websub_global_rate,
        )

    def later(self, wait: float, kwargs: dict[str, Any]) -> None:
        # Held back by a rate limit: a fresh message, not a retry, so waiting
        # spends none of the task's retries.
        self.apply_async(kwargs=kwargs, countdown=min(BACKOFF_MAX, max(1.0, wait)))

    def record(self, outcome: str, latency: float | None = None) -> None:
        try:
            client = self.resources.redis.get(socket_timeout=2)
            DeliveryFigures(client, self.resources.settings.key_prefix).record(outcome, latency)
        except Exception:
            log.warning("could not record websub figures", exc_info=True)


def hub_task(name: str, **options: Any) -> Any:
    return shared_task(name=name, **{**TASK_OPTIONS, "base": HubTask, **options})


@hub_task(
    contracts.WEBSUB_VERIFY,
    autoretry_for=(*TASK_OPTIONS["autoretry_for"], CallbackError),
    max_retries=3,
    retry_backoff=5,
    retry_jitter=False,
)
def verify(self: HubTask, intent_id: int) -> str:
    with self.session() as s:
        outcome = verify_intent(s, self.resources.settings, self.limits(), int(intent_id))
    if isinstance(outcome, float):
        self.later(outcome, {"intent_id": intent_id})
        return "limited"
    return outcome


@hub_task(contracts.WEBSUB_PUBLISH)
def publish(self: HubTask, key: str, etag: str, changed_at: str) -> int:
    """Fan a change of a topic with many subscribers out, one delivery task each."""
    with self.session() as s:
        now = utcnow()
        store.expire(s, now, key)
        s.commit()
        ids = store.active_ids(s, key, now)
    for sub_id in ids:
        payload = {"subscription_id": sub_id, "key": key, "etag": etag, "changed_at": changed_at}
        send(self.app, contracts.WEBSUB_DELIVER, payload)
    return len(ids)


@hub_task(contracts.WEBSUB_DELIVER)
def deliver_one(self: HubTask, subscription_id: int, key: str, etag: str, changed_at: str) -> str:
    kwargs = {"subscription_id": subscription_id, "key": key, "etag": etag,
              "changed_at": changed_at}
    try:
        with self.session() as s:
            outcome = deliver(
                s, self.resources.settings, self.limits(), int(subscription_id), key, etag
            )
    except DeliveryFailed as exc:
        self.record("failed")
        retries = self.request.retries
        if retries >= DELIVERY_RETRIES:
            log.warning("websub: gave up on this change after %d tries: %s", retries + 1, exc)
            self.record("gave_up")
            return "gave_up"
        log.info("websub: %s; retry %d in %d s", exc, retries + 1, backoff(retries))
        raise self.retry(countdown=backoff(retries), max_retries=DELIVERY_RETRIES) from None
    if isinstance(outcome, float):
        self.later(outcome, kwargs)
        self.record("limited")
        return "limited"
    latency = None
    if outcome == "delivered":
        latency = (utcnow() - datetime.fromisoformat(changed_at)).total_seconds()
    self.record(outcome, latency)
    return outcome
