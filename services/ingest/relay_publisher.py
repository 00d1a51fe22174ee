"""The outbox relay's sends of whole tasks (its sweep's): one broker connection and
producer for the relay's thread, and a publish batch kept open across sends,
all made again after a failure."""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery import Celery
from kombu import Connection, Producer

from shared import contracts
from shared.celery_app import send

log = logging.getLogger(__name__)
_TASK = contracts.PROCESS_SUBMISSION


class Publisher:
    def __init__(self, celery: Celery) -> None:
        self._celery = celery
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        self._batch: Any = None
        self._owner = 0

    def publish(self, submission_ids: list[str]) -> None:
        """Send each id's task; they reach Redis together, in one pipeline."""
        producer, batch = self._batch_for_thread()
        try:
            for sid in submission_ids:
                send(
                    self._celery,
                    _TASK,
                    {"submission_id": sid},
                    headers={"submission_id": sid},
                    retry=False,
                    producer=producer,
                )
            batch.flush()
        except BaseException:
            self.drop()  # what was not flushed is discarded
            raise

    def _batch_for_thread(self) -> tuple[Producer, Any]:
        """This thread's producer, and a publish batch kept open across sends.

        kombu builds a Redis client and a pipeline for each batch; one batch
        flushed once per send pays for that once, not on every send.
        """
        if self._producer is not None and self._owner != threading.get_ident():
            self.drop()
        if self._producer is None:
            self._connection = self._celery.connection_for_write()
            self._producer = Producer(self._connection)
            self._batch = self._producer.batch()
            self._batch.__enter__()
            self._owner = threading.get_ident()
        return self._producer, self._batch

    def drop(self) -> None:
        batch, connection = self._batch, self._connection
        self._batch = self._connection = self._producer = None
        try:
            if batch is not None:
                # As if its block raised: nothing left in it is sent.
                batch.__exit__(ConnectionAbortedError, None, None)
        except Exception as exc:  # e.g. from a thread that is not the batch's
            log.debug("outbox relay: closing the publish batch failed: %s", exc)
        try:
            if connection is not None:
                connection.close()
        except Exception as exc:  # a broken connection may fail to close
            log.debug("outbox relay: closing the broker connection failed: %s", exc)
