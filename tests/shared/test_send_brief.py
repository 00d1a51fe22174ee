"""A task's payload is shown to monitoring in brief, not walked by Celery's repr."""

from __future__ import annotations

from typing import Any

from shared import contracts
from shared.celery_app import payload_brief, send


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def send_task(self, name: str, **options: Any) -> None:
        self.calls.append((name, options))


def test_the_brief_shows_plain_fields_and_counts_the_rest() -> None:
    payload = {
        "submission_id": "abc",
        "observed_at": "2026-03-03T00:00:00+00:00",
        "quotes": [{"base": "USD", "quote": "KZT", "rate": "512.30"}] * 5,
        "note": "x" * 500,
    }
    brief = payload_brief(payload)
    assert brief.startswith("{'submission_id': 'abc', 'observed_at': '2026-03-03T00:00:00+00:00'")
    assert "'quotes': <5 items>" in brief
    # A long value is cut: monitoring never holds a page's text.
    assert "'note': '" + "x" * 76 + "..." in brief and len(brief) < 250


def test_send_gives_celery_the_brief_and_the_whole_payload() -> None:
    app = _Recorder()
    payload = {"feeds": ["articles", "tag:china"], "requested_at": "2026-03-03T00:00:00+00:00"}
    send(app, contracts.REFRESH_FEEDS, payload, headers={"submission_id": "s1"})  # type: ignore[arg-type]
    [(name, options)] = app.calls
    assert name == contracts.REFRESH_FEEDS
    assert options["kwargs"] == payload
    assert options["queue"] == contracts.TASK_QUEUES[contracts.REFRESH_FEEDS]
    assert options["argsrepr"] == "()"
    assert options["kwargsrepr"] == (
        "{'feeds': <2 items>, 'requested_at': '2026-03-03T00:00:00+00:00'}"
    )
    assert options["headers"] == {"submission_id": "s1"}
