"""Task messages made from one Celery built before for the same task and options.

Celery's send path (routing, the task's options, the protocol's headers,
kombu's envelope) runs a few hundred Python calls for every message; on a
page's path, where each process starts cold, a build measured about half a
millisecond of CPU, and the refresh request's build sits between the ingest
task's commit and the feed worker's wake-up. Every message Celery builds for a
given task, with the same option names, from the same process and in the same
kind of context (inside a task or not), is the same document but for a few
values: the task id (and the correlation id, the root id that is it when no
task sends it), the delivery tag, the payload (the body and its
``kwargsrepr``), the values of the caller's own headers, and the eta a
countdown gives. A ``Template`` keeps the first message Celery built and makes
the next ones by setting those values; any other option sends the caller back
to Celery (``Template.key`` is None). tests/shared/test_task_messages.py
compares the two builds field by field.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta
from typing import Any

from celery import Celery
from kombu.utils.json import dumps, loads

from shared.celery_app import payload_brief

# The options a template sets itself; a build with any other goes through Celery.
TEMPLATED_OPTIONS = frozenset({"headers", "countdown"})

Key = tuple[str, tuple[str, ...], tuple[str, ...], bool]


def key(app: Celery, task_name: str, payload: Any, options: dict[str, Any]) -> Key | None:
    """What a template is kept under; None when a build must go through Celery."""
    if not isinstance(payload, dict) or not TEMPLATED_OPTIONS.issuperset(options):
        return None
    if app.conf.task_inherit_parent_priority:
        return None
    # Celery adds a registered task's own options; an ``expires`` of seconds is a
    # time counted from each send, which a template would keep at the first's.
    # (The registry itself, as Celery reads it: ``app.tasks`` would finalize the app.)
    task = app._tasks.get(task_name)
    if getattr(task, "expires", None) is not None:
        return None
    headers = tuple(sorted(options.get("headers") or {}))
    parent = app.current_worker_task is not None
    return task_name, tuple(sorted(options)), headers, parent


class Template:
    """The message Celery built for a task, made again with new values (see the module doc)."""

    def __init__(self, message: str) -> None:
        self._message = json.loads(message)
        properties = self._message["properties"]
        if (
            properties.get("body_encoding") != "base64"
            or self._message.get("content-type") != "application/json"
        ):
            # Not the JSON body in base64 of kombu's Redis transport: not made here.
            raise ValueError("not a message this template can make again")
        _args, _kwargs, self._embed = loads(base64.b64decode(self._message["body"]))

    def fill(self, app: Celery, payload: dict[str, Any], options: dict[str, Any]) -> str:
        task_id = str(uuid.uuid4())
        headers = dict(self._message["headers"])
        headers.update(options.get("headers") or {})
        headers["id"] = task_id
        parent = app.current_worker_task
        if parent is None:
            headers["root_id"], headers["parent_id"] = task_id, None
        else:
            headers["root_id"] = parent.request.root_id or parent.request.id
            headers["parent_id"] = parent.request.id
        countdown = options.get("countdown")
        eta = app.now() + timedelta(seconds=countdown) if countdown else None
        headers["eta"] = eta.isoformat() if eta is not None else None
        brief = payload_brief(payload)
        headers["kwargsrepr"] = brief
        properties = dict(self._message["properties"])
        properties["correlation_id"] = task_id
        properties["kwargsrepr"] = brief
        properties["delivery_tag"] = str(uuid.uuid4())
        body = dumps([[], payload, self._embed]).encode()
        message = dict(self._message)
        message.update(body=base64.b64encode(body).decode(), headers=headers, properties=properties)
        return dumps(message)  # type: ignore[no-any-return]
