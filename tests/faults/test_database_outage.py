"""The database goes away while the ingest worker is processing: tasks retry with
backoff and complete once it is back (or end failed with the reason) — none is
silently lost.

PostgreSQL only: SQLite is a file inside the process, with no server to stop. Its
nearest faults (a locked database, a full disk) surface as the same
OperationalError the retry policy covers; renaming or chmod-ing the file would
test SQLite's file handling (root ignores modes; open handles keep the old
inode) rather than an outage.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from shared.migrate import upgrade
from shared.models import SubmissionStatus
from tests.faults.stack import (
    Stack,
    article_titles,
    pages,
    post_all,
    status_counts,
    submissions,
    wait_settled,
)
from tests.support.databases import postgres_database, require_postgres
from tests.support.waiting import wait_for

# Enough that work is still queued when the database goes away: a worker takes
# up to 16 pages a task, and 30 pages could all be done before the outage began,
# leaving nothing to retry.
PAGES = 120


@pytest.fixture
def db_url() -> Iterator[str]:
    """A throw-away PostgreSQL database of this test's own, to take away and give back."""
    require_postgres()
    with postgres_database() as url:
        upgrade(url)
        yield url


def set_database_available(url: str, available: bool) -> None:
    name = make_url(url).database
    admin = create_engine(require_postgres(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(
                text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(available).lower()}')
            )
            if not available:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :n AND pid <> pg_backend_pid()"
                    ),
                    {"n": name},
                )
    finally:
        admin.dispose()


def retries_logged(log: Path, reason: str) -> int:
    """Retries the worker logged whose error contains ``reason``."""
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return sum(" retry: " in line and reason in line for line in lines)


@pytest.mark.slow
def test_tasks_survive_a_database_outage(stack: Stack) -> None:
    stack.start_api()
    worker = stack.start_worker()
    bodies, titles = pages(PAGES, "DbOutage")
    assert [status for status, _ in post_all(stack.ingest_url, bodies)] == [202] * PAGES
    wait_for(
        lambda: status_counts(stack.db_url)[SubmissionStatus.DONE] >= 3,
        60,
        0.01,
        what="processing to start",
    )

    set_database_available(stack.db_url, False)
    try:
        # Tasks that were running lose their connection; the next ones cannot
        # connect at all. Both are retried with backoff, not failed.
        wait_for(
            lambda: retries_logged(worker.log_path, "not currently accepting connections") >= 2,
            60,
            0.1,
            what="tasks to be retried while the database refuses connections",
        )
    finally:
        set_database_available(stack.db_url, True)

    final = wait_settled(stack.db_url, PAGES, timeout=120)
    failed = [s for s in submissions(stack.db_url) if s.status == SubmissionStatus.FAILED]
    assert all(s.error for s in failed), "a failed submission must say why"
    # A short outage is well inside the retry budget (about six minutes): all complete.
    assert final[SubmissionStatus.DONE] == PAGES, [s.error for s in failed]
    assert sorted(article_titles(stack.db_url)) == sorted(titles)
