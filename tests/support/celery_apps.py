"""A bare Celery app on a test's Redis, its keys under a prefix of the test's own."""

from __future__ import annotations

from celery import Celery


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
