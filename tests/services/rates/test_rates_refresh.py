"""The rates task asks for the rate feeds as the ingest task asks for its feeds: held
for the web processes' renders only while nothing waits in its backlog."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from celery import Celery

import services.rates.tasks as rates_tasks
from shared import contracts
from shared.backlog import Backlog
from tests.conftest import make_settings
from tests.services.rates.test_rates_worker import payload
from tests.support.celery_apps import namespaced_app
from tests.support.redis_server import RedisServer
from tests.support.refresh_stack import recorded_requests


@pytest.fixture
def app(db_url: str, redis_server: RedisServer, tmp_path: Path) -> Iterator[Celery]:
    settings = make_settings(db_url, redis_server.url, tmp_path, namespace=uuid.uuid4().hex[:10])
    with namespaced_app("test-rates-refresh", settings) as celery:
        yield celery


def test_the_rate_feeds_are_asked_for_with_the_rates_backlog_named(
    app: Celery, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = recorded_requests(monkeypatch, rates_tasks)
    at = datetime(2021, 1, 1, tzinfo=UTC)
    app.tasks[contracts.STORE_SNAPSHOT](**payload(at, uuid.uuid4().hex))
    resources = app.resources  # type: ignore[attr-defined]
    backlog = Backlog.of(resources.redis.get(), resources.settings, contracts.BACKLOG_RATES)
    assert [kwargs["backlog"] for kwargs in asked] == [backlog.list_key]
