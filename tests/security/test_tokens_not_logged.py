"""No log line of a full request cycle carries a bearer token: the ingest API's own
log and its access log, and the worker that processes the page."""

from __future__ import annotations

import json

import pytest
import requests

from bench.common import distinct_page
from tests.conftest import TOKEN
from tests.faults.stack import Stack, wait_settled

WRONG = "leaked-token-0123456789abcdef"


@pytest.mark.slow
def test_tokens_never_reach_the_logs(stack: Stack) -> None:
    stack.env["SILKFEED_LOG_LEVEL"] = "DEBUG"
    api = stack.start_api()
    worker = stack.start_worker()
    base = stack.ingest_url
    body, _ = distinct_page(0, "Logs")

    def post(token: str, data: bytes, media_type: str = "text/plain") -> int:
        return requests.post(
            f"{base}/v1/submissions?source=logs",
            data=data,
            headers={"Authorization": f"Bearer {token}", "Content-Type": media_type},
            timeout=10,
        ).status_code

    assert post(TOKEN, body) == 202
    assert post(WRONG, body) == 401
    assert post(TOKEN, b"x", "image/png") == 415
    assert post(TOKEN, b"\xff\xfe") == 400
    wait_settled(stack.db_url, 1, timeout=60)
    assert (
        requests.get(
            f"{base}/v1/submissions/{'0' * 32}",
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=10,
        ).status_code
        == 404
    )
    api.signal(15)  # flush and stop, so every line is on disk
    assert api.proc is not None
    api.proc.wait(30)

    api_log = api.log_path.read_text(errors="replace")
    worker_log = worker.log_path.read_text(errors="replace")
    # The access log is there (the request line, status and size) …
    access = [
        doc["msg"]
        for line in api_log.splitlines()
        if line.startswith("{") and (doc := json.loads(line)).get("logger") == "silkfeed.access"
    ]
    assert any('"POST /v1/submissions?source=logs HTTP/1.1" 202' in m for m in access), access
    assert any('"POST /v1/submissions?source=logs HTTP/1.1" 401' in m for m in access), access
    # … and no token, right or wrong, anywhere.
    for log in (api_log, worker_log):
        assert TOKEN not in log
        assert WRONG not in log
        assert "Bearer" not in log
