"""kill -9 an ingest worker (its whole process group) while it holds tasks during
a burst; a restarted worker finishes everything, and nothing is lost or doubled."""

from __future__ import annotations

from collections import Counter

import pytest

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
from tests.support.waiting import wait_for

SUBMISSIONS = 200


@pytest.mark.slow
def test_killed_worker_loses_and_doubles_nothing(stack: Stack) -> None:
    stack.start_api()
    first = stack.start_worker("worker-1")
    bodies, titles = pages(SUBMISSIONS, "Kill")

    answers = post_all(stack.ingest_url, bodies)
    assert [status for status, _ in answers] == [202] * SUBMISSIONS

    # Let the worker get well into the burst and be in the middle of a task.
    def busy() -> bool:
        done = {s.id for s in submissions(stack.db_url) if s.status == "done"}
        return len(done) >= 20 and bool(held_submissions(stack) - done)

    wait_for(busy, 60, 0.01, what="the worker to be mid-burst")
    first.kill_group()

    # What the dead worker held: messages Redis still counts as unacknowledged,
    # and the pages their batches took; those not done are stranded.
    held = held_submissions(stack)
    stranded = held - {s.id for s in submissions(stack.db_url) if s.status == "done"}
    assert held, "the killed worker held no task"

    stack.start_worker("worker-2")
    final = wait_settled(stack.db_url, SUBMISSIONS, timeout=VISIBILITY + 90)
    assert final == Counter({SubmissionStatus.DONE: SUBMISSIONS})

    # Every article of every page, each exactly once.
    found = article_titles(stack.db_url)
    assert len(found) == len(titles) == SUBMISSIONS * 6
    assert set(found) == titles
    # The pages the kill interrupted ran again, each counted, and finished.
    by_id = {s.id: s for s in submissions(stack.db_url)}
    for sid in stranded:
        assert by_id[sid].status == "done" and by_id[sid].attempts >= 1
