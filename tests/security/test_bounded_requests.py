"""Path parameters and headers a client chooses cannot make a 500 or steer links."""

from __future__ import annotations

import pytest
import requests

from bench.common import distinct_page
from tests.faults.stack import AUTH, Stack

pytestmark = pytest.mark.slow


def test_huge_ids_are_404_and_location_ignores_the_host_header(stack: Stack) -> None:
    stack.start_api()
    stack.start_feed()
    for snapshot_id in ("99999999999999999999999", "2147483648", "2147483647"):
        resp = requests.get(f"{stack.feed_url}/api/v1/rates/snapshots/{snapshot_id}", timeout=10)
        assert resp.status_code == 404, (snapshot_id, resp.status_code)
        assert resp.headers["Content-Type"] == "application/problem+json"
    resp = requests.get(f"{stack.ingest_url}/v1/submissions/{'9' * 5000}", headers=AUTH, timeout=10)
    assert resp.status_code == 404 and resp.json()["status"] == 404

    resp = requests.post(
        f"{stack.ingest_url}/v1/submissions",
        data=distinct_page(0, "Host")[0],
        headers={**AUTH, "Content-Type": "text/plain", "Host": "evil.example"},
        timeout=30,
    )
    assert resp.status_code == 202
    sid = resp.json()["id"]
    assert resp.headers["Location"] == f"{stack.ingest_url}/v1/submissions/{sid}"
    assert resp.json()["url"] == resp.headers["Location"]
    assert "evil.example" not in resp.text
