"""Redis stops (and before that, hangs) during a burst of posts: every post is still
answered 202 at once (within 2 s), and once Redis is back every page is processed."""

from __future__ import annotations

import signal
from collections import Counter

import pytest

from cli.system import redis_answers
from shared.models import SubmissionStatus
from tests.faults.stack import (
    VISIBILITY,
    Stack,
    article_titles,
    pages,
    post,
    post_all,
    wait_settled,
)

BEFORE, HUNG, DOWN = 30, 10, 60


@pytest.mark.slow
def test_posts_during_a_redis_outage_are_kept_and_processed(stack: Stack) -> None:
    # The per-token rate limit lives in Redis: it must fail open, and fast.
    stack.env["SILKFEED_INGEST_RATE_LIMIT"] = "100000"
    stack.start_api()
    stack.start_worker()
    bodies, titles = pages(BEFORE + HUNG + DOWN, "Outage")
    answers = post_all(stack.ingest_url, bodies[:BEFORE])

    # Redis hangs: it takes connections but answers nothing.
    assert stack.redis.proc is not None
    stack.redis.proc.send_signal(signal.SIGSTOP)
    try:
        hung = [post(stack.ingest_url, body) for body in bodies[BEFORE : BEFORE + HUNG]]
    finally:
        stack.redis.proc.send_signal(signal.SIGCONT)
    answers += hung

    # Redis is down: nothing listens on its port.
    stack.redis.stop()
    assert not redis_answers(stack.redis.url, 0.2)
    answers += post_all(stack.ingest_url, bodies[BEFORE + HUNG :], threads=4)
    stack.redis.start()  # same port, same append-only file

    statuses = [status for status, _ in answers]
    slowest = max(seconds for _, seconds in answers)
    assert statuses == [202] * len(bodies)
    # Waiting on Redis would take the broker's 3 s connect timeout or more; a
    # loaded 2-core machine answers a POST well within 2 s.
    assert slowest < 2.0, f"a POST took {slowest:.2f}s"

    # Tasks a worker held when Redis went away come back after the visibility timeout.
    final = wait_settled(stack.db_url, len(bodies), timeout=VISIBILITY + 90)
    assert final == Counter({SubmissionStatus.DONE: len(bodies)})
    found = article_titles(stack.db_url)
    assert sorted(found) == sorted(titles)
