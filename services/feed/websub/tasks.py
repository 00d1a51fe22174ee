"""The websub worker's tasks: verify an intent, fan a change out, deliver it.

The worker runs a thread pool (``--pool threads``): every task waits on a
callback's network answer, so threads are what lets one slow or dead
subscriber hold one slot, not the queue. Tasks therefore open their own
session instead of the per-task session attribute ``DbTask`` keeps.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from celery import Celery, Task
from sqlalchemy.orm import Session

from services.feed.websub import store
from services.feed.websub.client import CallbackError
from services.feed.websub.deliver import DeliveryFailed, deliver
from services.feed.websub.limits import RateLimits
from services.feed.websub.metrics import DeliveryFigures
from services.feed.websub.verify import verify_intent
from shared import contracts
from shared.celery_app import TRANSIENT_ERRORS, send
from shared.db import utcnow
from shared.redis_client import settings_client

log = logging.getLogger(__name__)
# 1, 2, 4 … seconds, at most 120: a retry's countdown must stay well under the
# broker's visibility timeout, or Redis would hand the waiting message out twice.
BACKOFF_MAX = 120
DELIVERY_RETRIES = 10  # about 9 minutes of retries; then the next change tries again


def backoff(retries: int) -> int:
    return min(BACKOFF_MAX, 2**retries)


def register(app: Celery) -> None:
    settings = app.resources.settings  # type: ignore[attr-defined]
    client = settings_client(settings, socket_timeout=5)
    limits = RateLimits(
        client, settings.key_prefix, settings.websub_callback_rate, settings.websub_global_rate
    )
    figures = DeliveryFigures(client, settings.key_prefix)
    lock = threading.Lock()

    @contextmanager
    def session() -> Iterator[Session]:
        with lock:  # the lazily built engine must be built once
            factory = app.resources.sessions  # type: ignore[attr-defined]
        s = factory()
        try:
            yield s
        finally:
            s.rollback()
            s.close()

    def later(task: Task, wait: float, kwargs: dict[str, Any]) -> None:
        # Held back by a rate limit: a fresh message, not a retry, so waiting
        # spends none of the task's retries.
        task.apply_async(kwargs=kwargs, countdown=min(BACKOFF_MAX, max(1.0, wait)))

    @app.task(
        name=contracts.WEBSUB_VERIFY,
        bind=True,
        acks_late=True,
        autoretry_for=(*TRANSIENT_ERRORS, CallbackError),
        max_retries=3,
        retry_backoff=5,
        retry_backoff_max=BACKOFF_MAX,
        retry_jitter=False,
    )
    def verify(self: Task, intent_id: int) -> str:
        with session() as s:
            outcome = verify_intent(s, settings, limits, int(intent_id))
        if isinstance(outcome, float):
            later(self, outcome, {"intent_id": intent_id})
            return "limited"
        return outcome

    @app.task(
        name=contracts.WEBSUB_PUBLISH,
        bind=True,
        acks_late=True,
        autoretry_for=TRANSIENT_ERRORS,
        max_retries=8,
        retry_backoff=2,
        retry_backoff_max=BACKOFF_MAX,
    )
    def publish(self: Task, key: str, etag: str, changed_at: str) -> int:
        with session() as s:
            now = utcnow()
            store.expire(s, now, key)
            s.commit()
            ids = store.active_ids(s, key, now)
        for sub_id in ids:
            payload = {"subscription_id": sub_id, "key": key, "etag": etag,
                       "changed_at": changed_at}
            send(app, contracts.WEBSUB_DELIVER, payload)
        return len(ids)

    @app.task(
        name=contracts.WEBSUB_DELIVER,
        bind=True,
        acks_late=True,
        autoretry_for=TRANSIENT_ERRORS,
        max_retries=8,
        retry_backoff=2,
        retry_backoff_max=BACKOFF_MAX,
    )
    def deliver_one(
        self: Task, subscription_id: int, key: str, etag: str, changed_at: str
    ) -> str:
        kwargs = {"subscription_id": subscription_id, "key": key, "etag": etag,
                  "changed_at": changed_at}
        try:
            with session() as s:
                outcome = deliver(s, settings, limits, int(subscription_id), key, etag)
        except DeliveryFailed as exc:
            _record(figures, "failed")
            if self.request.retries >= DELIVERY_RETRIES:
                log.warning("websub: gave up on this change after %d tries: %s",
                            self.request.retries + 1, exc)
                _record(figures, "gave_up")
                return "gave_up"
            log.info("websub: %s; retry %d in %d s", exc, self.request.retries + 1,
                     backoff(self.request.retries))
            raise self.retry(countdown=backoff(self.request.retries),
                             max_retries=DELIVERY_RETRIES) from None
        if isinstance(outcome, float):
            later(self, outcome, kwargs)
            _record(figures, "limited")
            return "limited"
        latency = None
        if outcome == "delivered":
            latency = (utcnow() - datetime.fromisoformat(changed_at)).total_seconds()
        _record(figures, outcome, latency)
        return outcome


def _record(figures: DeliveryFigures, outcome: str, latency: float | None = None) -> None:
    try:
        figures.record(outcome, latency)
    except Exception:
        log.warning("could not record websub figures", exc_info=True)
