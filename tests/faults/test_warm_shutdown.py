"""SIGTERM to an ingest worker mid-task: it finishes that task, then exits (warm
shutdown); work it had not started stays queued for the next worker."""

from __future__ import annotations

import json
import signal
import subprocess

import pytest
import requests

from bench.common import distinct_page
from shared.models import SubmissionStatus
from tests.faults.stack import (
    AUTH,
    Stack,
    article_titles,
    held_submissions,
    ingest_task_started,
    submissions,
    wait_settled,
)
from tests.support.waiting import wait_for

ARTICLES = 1000  # the most a page may hold: seconds to store, so the signal lands mid-task


def slow_page() -> bytes:
    doc = {
        "page_date": "2025-12-15",
        "articles": [
            {"title": f"Warm shutdown article {i}", "paragraphs": [f"Paragraph {i}. " * 20]}
            for i in range(ARTICLES)
        ],
    }
    return json.dumps(doc).encode()


def submit(stack: Stack, body: bytes, media_type: str) -> str:
    resp = requests.post(
        f"{stack.ingest_url}/v1/submissions",
        data=body,
        headers={**AUTH, "Content-Type": media_type},
        timeout=30,
    )
    assert resp.status_code == 202, resp.text
    return str(resp.json()["id"])


def status_of(stack: Stack, sid: str) -> str:
    return next(s.status for s in submissions(stack.db_url) if s.id == sid)


@pytest.mark.slow
def test_sigterm_finishes_the_running_task_first(stack: Stack) -> None:
    # One pool process, and limits far above the slow page's run time.
    stack.env.update(
        {
            "SILKFEED_WORKER_CONCURRENCY": "1",
            "SILKFEED_TASK_TIME_LIMIT": "120",
            "SILKFEED_VISIBILITY_TIMEOUT": "0",
        }
    )
    stack.start_api()
    worker = stack.start_worker("worker-1")
    slow = submit(stack, slow_page(), "application/json")
    # Delivered to the one pool process, which has taken its batch (a page alone
    # shows no status of its own until it is done): a page posted now sends a
    # task of its own, which the worker does not start before its shutdown.
    wait_for(
        lambda: slow in held_submissions(stack) and ingest_task_started(stack),
        30,
        0.01,
        what="the slow page to start",
    )
    quick_page, quick_titles = distinct_page(0, "Warm")
    quick = submit(stack, quick_page, "text/plain")

    worker.signal(signal.SIGTERM)
    assert worker.proc is not None
    try:
        code = worker.proc.wait(60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the worker did not exit after SIGTERM: {worker.log_tail()}")
    assert code == 0, worker.log_tail()
    assert "Warm shutdown" in worker.log_path.read_text(errors="replace")

    # The task it was running finished in that worker, once, before it exited.
    by_id = {s.id: s for s in submissions(stack.db_url)}
    assert by_id[slow].status == SubmissionStatus.DONE
    assert by_id[slow].attempts == 1 and by_id[slow].new_article_count == ARTICLES
    # The one it had not started is still waiting, and the next worker takes it.
    assert by_id[quick].status == SubmissionStatus.QUEUED

    stack.start_worker("worker-2")
    wait_settled(stack.db_url, 2, timeout=60)
    assert status_of(stack, quick) == SubmissionStatus.DONE
    assert len(article_titles(stack.db_url)) == ARTICLES + len(quick_titles)
