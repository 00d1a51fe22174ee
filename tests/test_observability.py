"""Operators' view: metrics from every service, readiness that names what is down,
and logs where one grep follows a page through every service."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from services.feed.app import create_app as create_feed_app
from services.ingest.app import create_app as create_ingest_app
from shared.settings import Settings
from tests.conftest import SAMPLE, TOKEN
from tests.support.processes import ServiceProcess
from tests.support.waiting import wait_for

AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"}


@pytest.fixture
def ingest(settings: Settings, workers: dict[str, ServiceProcess]) -> Iterator[FlaskClient]:
    app = create_ingest_app(settings)
    yield app.test_client()
    app.extensions["silkfeed"]["outbox"].stop()


def sample_value(text: str, name: str, **labels: str) -> float | None:
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        metric, _, value = line.rpartition(" ")
        if metric.split("{")[0] != name:
            continue
        if all(f'{k}="{v}"' in metric for k, v in labels.items()):
            return float(value)
    return None


def test_metrics_and_logs_follow_a_page_through_every_service(
    ingest: FlaskClient, settings: Settings, workers: dict[str, ServiceProcess]
) -> None:
    # A reader of the articles feed: the worker renders what readers read.
    feed = create_feed_app(settings, watch_changes=False).test_client()
    assert feed.get("/feeds/articles.json").status_code == 200
    sid = ingest.post(
        "/v1/submissions?source=obs", data=SAMPLE.read_bytes() + b"\n\n\n", headers=AUTH
    ).get_json()["id"]
    wait_for(
        lambda: ingest.get(f"/v1/submissions/{sid}", headers=AUTH).get_json()["status"] == "done",
        60,
        what="the submission",
    )

    def scraped() -> str | None:
        # A worker counts its task once the task has returned: after the page is
        # done in the database, and in no set order across workers.
        text = feed.get("/metrics").get_data(as_text=True)
        renders = sample_value(text, "silkfeed_feed_renders_total", feed="articles")
        counted = [
            sample_value(text, "silkfeed_tasks_total", task=task, state="SUCCESS")
            for task in ("rates.store_snapshot", "ingest.process_submission")
        ]
        return text if renders and all(counted) else None

    text = wait_for(scraped, 60, interval=0.2, what="worker figures in /metrics")
    assert sample_value(text, "silkfeed_submissions", status="done") >= 1  # type: ignore[operator]
    assert (
        sample_value(
            text, "silkfeed_tasks_total", task="ingest.process_submission", state="SUCCESS"
        )
        >= 1
    )  # type: ignore[operator]
    assert (
        sample_value(text, "silkfeed_task_duration_seconds_count", task="ingest.process_submission")
        >= 1
    )  # type: ignore[operator]
    assert sample_value(text, "silkfeed_queue_depth", queue="ingest") is not None
    feed.get("/feeds/articles.atom")
    etag = feed.get("/feeds/articles.atom").headers["ETag"]
    feed.get("/feeds/articles.atom", headers={"If-None-Match": etag})
    text = feed.get("/metrics").get_data(as_text=True)
    assert sample_value(text, "silkfeed_http_responses_total", service="feed", status="304") >= 1  # type: ignore[operator]
    assert sample_value(text, "silkfeed_http_responses_total", service="feed", status="200") >= 1  # type: ignore[operator]

    # One grep for the id finds the page in the ingest and rates workers' JSON logs.
    # The figures above may count other pages' snapshots: this page's reaches the
    # rates worker a moment after its feeds (services.ingest.batch.SNAPSHOT_DELAY).
    for name in ("ingest-worker", "rates-worker"):

        def logged(name: str = name) -> list[dict[str, str]] | None:
            found = [
                json.loads(line)
                for line in workers[name].log_path.read_text().splitlines()
                if line.startswith("{") and sid in line
            ]
            return found or None

        lines = wait_for(logged, 30, interval=0.1, what=f"{name} logging submission {sid}")
        assert all(doc["service"] == name for doc in lines)
        assert any(doc.get("submission_id") == sid for doc in lines)


def test_readiness_names_what_is_down(settings: Settings) -> None:
    ok = create_feed_app(settings, watch_changes=False).test_client().get("/readyz")
    assert ok.status_code == 200 and ok.get_json()["checks"] == {"database": "ok", "redis": "ok"}
    no_redis = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    resp = create_feed_app(no_redis, watch_changes=False).test_client().get("/readyz")
    assert resp.status_code == 503
    checks = resp.get_json()["checks"]
    assert checks["database"] == "ok" and checks["redis"].startswith("unavailable")
    no_db = settings.model_copy(update={"database_url": "postgresql+psycopg://127.0.0.1:1/none"})
    resp = create_feed_app(no_db, watch_changes=False).test_client().get("/readyz")
    assert resp.status_code == 503 and resp.get_json()["checks"]["database"].startswith(
        "unavailable"
    )
    assert (
        create_feed_app(no_db, watch_changes=False).test_client().get("/healthz").status_code == 200
    )


def test_the_ingest_api_counts_what_it_accepts(settings: Settings) -> None:
    from services.ingest.app import create_app

    client = create_app(settings, start_relay=False).test_client()
    body = b"Metrics Headline For The Ingest Counter\n\nSome text follows here, a sentence."
    assert client.post("/v1/submissions", data=body, headers=AUTH).status_code == 202
    assert client.post("/v1/submissions", data=body, headers=AUTH).status_code == 200
    text = client.get("/metrics").get_data(as_text=True)
    assert sample_value(text, "silkfeed_submissions_accepted_total", result="created") >= 1  # type: ignore[operator]
    assert sample_value(text, "silkfeed_submissions_accepted_total", result="duplicate") >= 1  # type: ignore[operator]
    assert sample_value(text, "silkfeed_http_responses_total", service="ingest-api", status="202") >= 1  # type: ignore[operator]
    assert sample_value(text, "silkfeed_submissions", status="queued") == 1
