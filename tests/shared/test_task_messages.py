"""Task messages built without sending: the queue's list and Celery's own message,
and a forked child that can still build them."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from celery import Celery

from shared import contracts
from shared.message_template import Template
from shared.task_messages import TaskMessages, task_messages
from tests.support.celery_apps import prefixed_app
from tests.support.redis_server import RedisServer


def _app(url: str, prefix: str) -> Celery:
    return prefixed_app("task-messages-test", url, prefix)


PAYLOAD = {"feeds": ["articles"], "requested_at": "2026-01-01T00:00:00+00:00"}


def test_message_is_the_task_on_its_queues_list(redis_server: RedisServer) -> None:
    prefix = f"tm-{uuid.uuid4().hex[:8]}:"
    app = _app(redis_server.url, prefix)
    queue, message = task_messages(app, prefix).build(contracts.REFRESH_FEEDS, PAYLOAD)
    assert queue == prefix + contracts.TASK_QUEUES[contracts.REFRESH_FEEDS]
    sent = json.loads(message)
    assert sent["headers"]["task"] == contracts.REFRESH_FEEDS
    assert sent["properties"]["delivery_info"]["routing_key"] == queue.removeprefix(prefix)
    # A second build is a new task: its own id.
    _, again = task_messages(app, prefix).build(contracts.REFRESH_FEEDS, PAYLOAD)
    assert json.loads(again)["headers"]["id"] != sent["headers"]["id"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_child_forked_while_a_thread_builds_can_build(redis_server: RedisServer) -> None:
    """The lock a thread holds at the fork is not held in the child."""
    prefix = f"tm-{uuid.uuid4().hex[:8]}:"
    app = _app(redis_server.url, prefix)
    messages = task_messages(app, prefix)
    messages.build(contracts.REFRESH_FEEDS, PAYLOAD)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with messages._lock:
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(5)
    pid = os.fork()
    if pid == 0:  # the child: build, and say how it went by the exit status
        try:
            queue, _ = task_messages(app, prefix).build(contracts.REFRESH_FEEDS, PAYLOAD)
            os._exit(0 if queue.startswith(prefix) else 2)
        except BaseException:
            os._exit(3)
    release.set()
    holder.join()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    pytest.fail("the forked child hung on a lock held at the fork")


def _without_ids(message: str) -> dict[str, Any]:
    """A message with its per-send values (ids, tag, eta) blanked."""
    doc = json.loads(message)
    ids = {doc["headers"]["id"]}
    for field in ("id", "root_id", "eta"):
        doc["headers"][field] = "-" if doc["headers"][field] in ids or field == "eta" else None
    doc["properties"]["correlation_id"] = doc["properties"]["delivery_tag"] = "-"
    return doc


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"headers": {"submission_id": "s-1"}},
        {"headers": {"submission_id": "s-2"}, "countdown": 0.1},
    ],
)
def test_a_message_made_again_is_the_one_celery_builds(
    redis_server: RedisServer, options: dict[str, Any]
) -> None:
    """After the first build of a task, the next are made from it: field for field
    the message Celery builds for the same payload and options."""
    prefix = f"tm-{uuid.uuid4().hex[:8]}:"
    app = _app(redis_server.url, prefix)
    messages = task_messages(app, prefix)
    first_payload = {"feeds": ["articles", "tag:kz"], "requested_at": PAYLOAD["requested_at"]}
    messages.build(contracts.REFRESH_FEEDS, first_payload, **options)
    payload = {
        "feeds": ["articles", "source:x", "tag:uz"],
        "requested_at": "2026-02-02T00:00:00+00:00",
    }
    later = {**options, "headers": {"submission_id": "other"}} if "headers" in options else options
    before = datetime.now(UTC)
    queue, made = messages.build(contracts.REFRESH_FEEDS, payload, **later)
    built_queue, built = TaskMessages(app, prefix).build(contracts.REFRESH_FEEDS, payload, **later)
    assert queue == built_queue
    assert _without_ids(made) == _without_ids(built)
    doc = json.loads(made)
    assert doc["headers"]["root_id"] == doc["headers"]["id"] == doc["properties"]["correlation_id"]
    assert doc["headers"]["parent_id"] is None
    assert doc["headers"]["id"] != json.loads(built)["headers"]["id"]
    body = json.loads(base64.b64decode(doc["body"]))
    assert body[1] == payload
    if "countdown" in options:
        eta = datetime.fromisoformat(doc["headers"]["eta"])
        assert before + timedelta(seconds=0.1) <= eta <= datetime.now(UTC) + timedelta(seconds=0.1)
    else:
        assert doc["headers"]["eta"] is None


def test_a_message_sent_from_a_task_names_it_as_parent(redis_server: RedisServer) -> None:
    prefix = f"tm-{uuid.uuid4().hex[:8]}:"
    app = _app(redis_server.url, prefix)
    messages = task_messages(app, prefix)
    made: list[str] = []

    @app.task(name="tm-test.parent", bind=True)
    def parent(self: Any) -> None:
        for _ in range(2):
            made.append(messages.build(contracts.REFRESH_FEEDS, PAYLOAD)[1])

    parent.apply(task_id="the-parent")
    messages.build(contracts.REFRESH_FEEDS, PAYLOAD)  # outside a task again
    for message in made:
        headers = json.loads(message)["headers"]
        assert headers["parent_id"] == "the-parent"
        assert headers["root_id"] == "the-parent"
    _, outside = messages.build(contracts.REFRESH_FEEDS, PAYLOAD)
    headers = json.loads(outside)["headers"]
    assert headers["parent_id"] is None
    assert headers["root_id"] == headers["id"]


def test_only_a_json_body_in_base64_is_made_again(redis_server: RedisServer) -> None:
    prefix = f"tm-{uuid.uuid4().hex[:8]}:"
    messages = task_messages(_app(redis_server.url, prefix), prefix)
    _, message = messages.build(contracts.REFRESH_FEEDS, PAYLOAD)
    Template(message)  # kombu's Redis transport: JSON, in base64
    other = json.loads(message)
    other["properties"]["body_encoding"] = "plain"
    with pytest.raises(ValueError):
        Template(json.dumps(other))


def test_a_task_that_expires_is_built_by_celery_each_time(redis_server: RedisServer) -> None:
    """A task's own ``expires`` is counted from each send: a message made from the
    first would carry the first's expiry, and once that passed every later message
    would be dropped unrun by the worker."""
    prefix = f"tm-{uuid.uuid4().hex[:8]}:"
    app = _app(redis_server.url, prefix)

    class Refresh(app.Task):
        name = contracts.REFRESH_FEEDS
        expires = 60

        def run(self, **_: Any) -> None:
            pass

    app.finalize()
    # Registered over the app's own: in a process that imported the feed
    # worker's tasks, a new app holds their shared task under this name, and a
    # task declared by decorator would be that one, without the expiry.
    app.tasks.register(Refresh())
    assert app.tasks[contracts.REFRESH_FEEDS].expires == 60
    messages = task_messages(app, prefix)
    first = json.loads(messages.build(contracts.REFRESH_FEEDS, PAYLOAD)[1])
    time.sleep(0.01)
    before = datetime.now(UTC)
    later = json.loads(messages.build(contracts.REFRESH_FEEDS, PAYLOAD)[1])
    expires = datetime.fromisoformat(later["headers"]["expires"])
    assert expires >= before + timedelta(seconds=60)
    assert later["headers"]["expires"] != first["headers"]["expires"]
