"""A page posted to the ingest API comes out as feed entries and a rate snapshot,
through real worker processes on a real Redis, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from services.feed.app import create_app as create_feed_app
from services.ingest.app import create_app as create_ingest_app
from shared.db import make_engine
from shared.models import Article, RateQuote, RateSnapshot
from shared.settings import Settings
from tests.conftest import SAMPLE, TOKEN
from tests.support.processes import ServiceProcess
from tests.support.sample import SAMPLE_RATES, SAMPLE_TITLES
from tests.support.waiting import wait_for, wait_pipeline_idle

AUTH = {"Authorization": f"Bearer {TOKEN}"}
TITLES = SAMPLE_TITLES
RATES = SAMPLE_RATES


@pytest.fixture
def ingest(settings: Settings, workers: dict[str, ServiceProcess]) -> Iterator[FlaskClient]:
    app: Flask = create_ingest_app(settings)
    yield app.test_client()
    app.extensions["silkfeed"]["outbox"].stop()


@pytest.fixture
def feed(settings: Settings) -> FlaskClient:
    return create_feed_app(settings).test_client()


def post(client: FlaskClient, body: bytes, media_type: str = "text/plain") -> tuple[int, dict]:
    resp = client.post(
        "/v1/submissions?source=timesca", data=body, headers={**AUTH, "Content-Type": media_type}
    )
    return resp.status_code, resp.get_json()


def wait_done(client: FlaskClient, sid: str) -> dict:
    def probe() -> dict | None:
        doc = client.get(f"/v1/submissions/{sid}", headers=AUTH).get_json()
        return doc if doc["status"] in ("done", "failed") else None

    return wait_for(probe, 60, what=f"submission {sid}")


def counts(url: str) -> tuple[int, int, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        result = (
            conn.scalar(select(func.count()).select_from(Article)),
            conn.scalar(select(func.count()).select_from(RateSnapshot)),
            conn.scalar(select(func.count()).select_from(RateQuote)),
        )
    engine.dispose()
    return result  # type: ignore[return-value]


def test_sample_page_comes_out_exactly(
    ingest: FlaskClient, feed: FlaskClient, settings: Settings
) -> None:
    status, doc = post(ingest, SAMPLE.read_bytes())
    assert status == 202
    sid = doc["id"]
    assert doc["status"] == "queued"
    done = wait_done(ingest, sid)
    assert done["status"] == "done", done
    assert done["counts"] == {"articles": 6, "new_articles": 6, "updated_articles": 0, "rates": 5}
    assert done["page_date"] == "2025-12-15"

    # The rates worker stores the snapshot; the rates API shows it exactly.
    latest = wait_for(
        lambda: (r := feed.get("/api/v1/rates/latest")).status_code == 200 and r,
        30,
        what="the rate snapshot",
    )
    body = latest.get_json()
    assert body["date"] == "2025-12-15"
    assert [(r["pair"], r["rate"], r["change"]) for r in body["rates"]] == RATES
    assert all(isinstance(r["rate"], str) for r in body["rates"])
    assert b"0.28490" in latest.data  # never a float

    # The feed worker renders the feeds; every format carries the six entries.
    def six_entries() -> feedparser.FeedParserDict | None:
        parsed = feedparser.parse(feed.get("/feeds/articles.atom").data)
        return parsed if len(parsed.entries) == 6 else None

    atom = wait_for(six_entries, 30, what="six Atom entries")
    rss = feedparser.parse(feed.get("/feeds/articles.rss").data)
    for parsed in (atom, rss):
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert sorted(e.title for e in parsed.entries) == sorted(TITLES)
        for entry in parsed.entries:
            published = datetime(*entry.published_parsed[:6], tzinfo=UTC)
            assert published.date().isoformat() == "2025-12-15"
            html = entry.content[0].value if "content" in entry else entry.description
            assert "KGS/USD" not in html and "15 December 2025" not in html
    by_title = {e.title: e for e in atom.entries}
    interview = by_title[TITLES[1]].content[0].value
    assert "TCA: In your opinion, what is the state of the educational system" in interview
    assert "In your opinion, are there any advanced international practices" in interview
    assert interview.index("The Times of Central Asia spoke") < interview.index("TCA: What joint")

    json_feed = feed.get("/feeds/articles.json").get_json()
    assert [i["title"] for i in json_feed["items"]] == [e.title for e in atom.entries]


def test_reposting_the_same_page_changes_nothing(
    ingest: FlaskClient, feed: FlaskClient, settings: Settings
) -> None:
    status, first = post(ingest, SAMPLE.read_bytes())
    assert status == 202
    assert wait_done(ingest, first["id"])["status"] == "done"
    wait_for(lambda: counts(settings.db_url)[1] == 1, 30, what="the snapshot")
    before = counts(settings.db_url)
    assert before == (6, 1, 5)
    etag = wait_for(lambda: feed.get("/feeds/articles.atom").headers.get("ETag"), 30)

    status, again = post(ingest, SAMPLE.read_bytes())
    assert status == 200
    assert again["id"] == first["id"] and again["duplicate"] is True
    assert again["status"] == "done"

    # The same articles in another page (here: the same text with trailing
    # blank lines) are recognised: no new entry, no new snapshot, feed bytes unchanged.
    variant = SAMPLE.read_bytes() + b"\n\n"
    status, other = post(ingest, variant)
    assert status == 202 and other["id"] != first["id"]
    done = wait_done(ingest, other["id"])
    assert done["status"] == "done"
    assert done["counts"]["new_articles"] == 0 and done["counts"]["articles"] == 6
    # Its snapshot reaches the rates worker a moment after the page is done.
    wait_pipeline_idle(settings.redis_url, settings.key_prefix)
    assert counts(settings.db_url) == before
    resp = feed.get("/feeds/articles.atom", headers={"If-None-Match": etag})
    assert resp.status_code == 304
