"""A task's broker message, built as sending it would build it, without pushing it.

Kombu's Redis transport sends a task by pushing one JSON message onto the list
named after its queue. A sender that must first win a claim in Redis (a
backlog's kick, the "refresh queued" key) would pay two round trips: the
claim's script, then the push. With the message built beforehand, the claim's
script pushes it itself when the claim is won — one round trip, and no window
in which the claim is held and the send has not happened.

The message is Celery's own: ``send`` runs as usual on a private channel whose
final step, the push (``_put``, the method a kombu virtual transport delivers
through), is kept here instead of sent. The worker cannot tell it from a sent one.
"""

from __future__ import annotations

import contextlib
import os
import threading
import weakref
from typing import Any

from celery import Celery
from kombu import Connection, Producer
from kombu.utils.json import dumps

from shared import message_template
from shared.celery_app import send


class TaskMessages:
    """Builds task messages for one Celery app, on a channel of this process's own."""

    def __init__(self, app: Celery, key_prefix: str) -> None:
        self._app = app
        self._prefix = key_prefix  # the transport's ``global_keyprefix``
        self._pid = 0
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        self._kept: list[tuple[str, str]] = []
        # Messages Celery built here, made again by ``message_template`` (this process's).
        self._templates: dict[message_template.Key, tuple[str, message_template.Template]] = {}
        self._lock = threading.Lock()
        _LIVE.add(self)

    def build(self, task_name: str, payload: dict[str, Any], **options: Any) -> tuple[str, str]:
        """The Redis list a send of this task would push onto, and the message."""
        with self._lock:
            producer = self._producer_here()
            key = message_template.key(self._app, task_name, payload, options)
            made = self._templates.get(key) if key is not None else None
            if made is not None:
                return made[0], made[1].fill(self._app, payload, options)
            self._kept.clear()
            try:
                # No queue declared on the way (kombu checks its declared-queue cache
                # and binds a copy of the queue on every publish otherwise, a quarter
                # of a build's cost): the message is pushed by a script, never
                # routed by kombu, and each worker declares the queues it consumes.
                send(
                    self._app,
                    task_name,
                    payload,
                    producer=producer,
                    retry=False,
                    declare=[],
                    **options,
                )
            except BaseException:
                self.close()
                raise
            if len(self._kept) != 1:
                raise RuntimeError(f"sending {task_name} made {len(self._kept)} messages, not 1")
            queue, message = self._kept[0]
            if key is not None:
                with contextlib.suppress(ValueError):
                    template = message_template.Template(message)
                    self._templates[key] = (self._prefix + queue, template)
            return self._prefix + queue, message

    def ready(self) -> bool:
        """Whether a build needs no connection opened first (one is open in this process)."""
        return self._producer is not None and self._pid == os.getpid()

    def close(self) -> None:
        connection, self._connection, self._producer = self._connection, None, None
        if connection is not None:
            with contextlib.suppress(Exception):  # a broken connection may fail to close
                connection.close()

    def _producer_here(self) -> Producer:
        if self._pid != os.getpid():
            # A forked child must not use its parent's socket, nor send as its
            # parent (a message names the process that sent it).
            self._connection = self._producer = None
            self._templates = {}
            self._pid = os.getpid()
        if self._producer is None:
            connection = self._app.connection_for_write()
            channel = connection.default_channel
            channel._put = self._keep(channel)  # type: ignore[attr-defined]
            self._connection, self._producer = connection, Producer(channel)
        return self._producer

    def _keep(self, channel: Any) -> Any:
        def put(queue: str, message: dict[str, Any], **_: Any) -> None:
            priority = channel._get_message_priority(message, reverse=False)
            self._kept.append((channel._q_for_pri(queue, priority), dumps(message)))

        return put


_BY_APP: weakref.WeakKeyDictionary[Celery, TaskMessages] = weakref.WeakKeyDictionary()
_BY_APP_LOCK = threading.Lock()
_LIVE: weakref.WeakSet[TaskMessages] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    """A fork while another thread held a lock would leave it held for good in
    the child: the child starts with fresh ones (and, on first use, a fresh
    connection, as ``_producer_here`` sees the new pid)."""
    global _BY_APP_LOCK
    _BY_APP_LOCK = threading.Lock()
    for messages in list(_LIVE):
        messages._lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)


def task_messages(app: Celery, key_prefix: str) -> TaskMessages:
    """This app's builder (one per app, made on first use)."""
    with _BY_APP_LOCK:
        found = _BY_APP.get(app)
        if found is None:
            found = _BY_APP[app] = TaskMessages(app, key_prefix)
        return found
