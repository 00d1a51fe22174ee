"""What a client sees when the database is away (PostgreSQL: a server to stop):
503 problem documents with Retry-After, and nothing of the internals (hosts,
ports, SQL) in any answer; the detail is in the service's log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from sqlalchemy.engine import make_url

from bench.common import distinct_page
from shared.migrate import upgrade
from tests.faults.stack import AUTH, Stack
from tests.faults.test_database_outage import set_database_available
from tests.support.databases import postgres_database, postgres_reachable

pytestmark = pytest.mark.slow


@pytest.fixture
def db_url() -> Iterator[str]:
    """A throw-away PostgreSQL database of this test's own, to take away and give back."""
    if not postgres_reachable():
        pytest.skip("PostgreSQL not reachable")
    with postgres_database() as url:
        upgrade(url)
        yield url


def assert_no_internals(text: str, db_url: str) -> None:
    url = make_url(db_url)
    for secret in (url.host or "", str(url.port or 5432), url.database or "", "SELECT", "INSERT"):
        assert secret and secret not in text, (secret, text)


def test_a_database_outage_is_a_503_that_names_no_internals(stack: Stack) -> None:
    stack.start_api()
    stack.start_feed()
    body, _ = distinct_page(0, "Outage")
    posted = requests.post(
        f"{stack.ingest_url}/v1/submissions",
        data=body,
        headers={**AUTH, "Content-Type": "text/plain"},
        timeout=30,
    )
    assert posted.status_code == 202
    sid = posted.json()["id"]

    set_database_available(stack.db_url, False)
    try:
        answers = {
            "post": requests.post(
                f"{stack.ingest_url}/v1/submissions",
                data=distinct_page(1, "Outage")[0],
                headers={**AUTH, "Content-Type": "text/plain"},
                timeout=30,
            ),
            "status": requests.get(
                f"{stack.ingest_url}/v1/submissions/{sid}", headers=AUTH, timeout=30
            ),
            "rates": requests.get(f"{stack.feed_url}/api/v1/rates/latest", timeout=30),
            "index": requests.get(f"{stack.feed_url}/", timeout=30),
        }
        for name, resp in answers.items():
            assert resp.status_code == 503, (name, resp.status_code, resp.text[:300])
            assert resp.headers["Content-Type"] == "application/problem+json", name
            assert resp.headers["Retry-After"] == "5", name
            assert_no_internals(resp.text, stack.db_url)
        for base in (stack.ingest_url, stack.feed_url):
            ready = requests.get(f"{base}/readyz", timeout=30)
            assert ready.status_code == 503
            assert ready.json()["checks"] == {"database": "unavailable", "redis": "ok"}
            assert_no_internals(ready.text, stack.db_url)
    finally:
        set_database_available(stack.db_url, True)
    # The detail is in the log, for the operator.
    api = next(p for p in stack.procs if p.name == "ingest-api")
    assert "the database is unavailable" in api.log_path.read_text(errors="replace")
    again = requests.post(
        f"{stack.ingest_url}/v1/submissions",
        data=distinct_page(2, "Outage")[0],
        headers={**AUTH, "Content-Type": "text/plain"},
        timeout=30,
    )
    assert again.status_code == 202
