"""Task messages built without sending: the queue's list and Celery's own message,
and a forked child that can still build them."""

from __future__ import annotations

import json
import os
import threading
import time
import uuid

import pytest
from celery import Celery

from shared import contracts
from shared.task_messages import task_messages
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
