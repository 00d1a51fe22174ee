"""Celery apps on a test's Redis, their keys under a prefix of the test's own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import redis
from celery import Celery

from shared.celery_app import create_celery
from shared.settings import Settings


def prefixed_app(name: str, url: str, prefix: str) -> Celery:
    """An app that sends JSON over ``url`` with its keys under ``prefix``, and fails
    at once when Redis does not answer (no publish or connection retries)."""
    app = Celery(name, broker=url, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        broker_transport_options={"global_keyprefix": prefix},
        task_publish_retry=False,
        broker_connection_retry=False,
        broker_connection_max_retries=0,
    )
    return app


@contextmanager
def namespaced_app(name: str, settings: Settings) -> Iterator[Celery]:
    """The services' app on ``settings`` (a namespace of the test's own, so no shared
    worker takes what it queues); its keys are deleted afterwards."""
    app = create_celery(name, settings)
    try:
        yield app
    finally:
        client = redis.Redis.from_url(settings.redis_url)
        for key in client.scan_iter(f"{settings.key_prefix}*"):
            client.delete(key)
        client.close()
        app.resources.dispose()  # type: ignore[attr-defined]
