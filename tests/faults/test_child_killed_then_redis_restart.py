"""The OOM killer takes an ingest worker's pool child mid-task, then Redis stops
and starts again while more pages are posted. The worker's main process must
reconnect and go on (it used to die in kombu's Redis transport, restoring the
lost child's message over a connection that was already closed), and every
page must be processed exactly once."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter

import pytest

from cli.system import redis_answers
from shared.models import SubmissionStatus
from tests.faults.stack import (
    VISIBILITY,
    Stack,
    article_titles,
    held_submissions,
    pages,
    post_all,
    submissions,
    wait_settled,
)
from tests.support.proctree import alive, children
from tests.support.waiting import wait_for

BEFORE, DURING = 60, 20


@pytest.mark.slow
def test_pool_child_killed_then_redis_restarted(stack: Stack) -> None:
    stack.start_api()
    worker = stack.start_worker()
    assert worker.proc is not None
    main_pid = worker.proc.pid
    bodies, titles = pages(BEFORE + DURING, "Blip")

    answers = post_all(stack.ingest_url, bodies[:BEFORE])
    assert [status for status, _ in answers] == [202] * BEFORE

    def mid_task() -> bool:
        done = {s.id for s in submissions(stack.db_url) if s.status == "done"}
        return len(done) >= 5 and bool(held_submissions(stack) - done)

    wait_for(mid_task, 90, 0.01, what="the worker to be mid-burst")
    pool = children(main_pid)
    assert pool, "the worker has no pool processes"
    victim = pool[0]
    os.kill(victim, signal.SIGKILL)  # as the OOM killer would
    wait_for(lambda: not alive(victim), 10, 0.01, what="the pool child to die")

    # The broker goes away moments later, with the lost child's task in flight.
    stack.redis.stop()
    assert not redis_answers(stack.redis.url, 0.2)
    answers = post_all(stack.ingest_url, bodies[BEFORE:], threads=4)
    assert [status for status, _ in answers] == [202] * DURING
    time.sleep(3)
    stack.redis.start()  # same port, same append-only file

    final = wait_settled(stack.db_url, len(bodies), timeout=VISIBILITY + 150)
    assert final == Counter({SubmissionStatus.DONE: len(bodies)})
    found = article_titles(stack.db_url)
    assert len(found) == len(titles), "an article was stored twice or lost"
    assert set(found) == titles
    # The worker's main process rode it out: same process, still serving.
    assert alive(main_pid), f"the ingest worker died: {worker.log_tail(30)}"
    assert "Unrecoverable error" not in worker.log_path.read_text(errors="replace")
