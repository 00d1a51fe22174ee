"""A change renders only the documents that are stored: those a reader asked for
(or a WebSub subscriber subscribed to). The first request for a document renders
it, in its own format, and asks for a refresh of its feed, so a change committed
while that render ran is not missed."""

from __future__ import annotations

import time
import uuid
from datetime import datetime

import pytest
import redis
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from cli.system import free_port
from services.feed import publish
from services.feed.app import create_app
from services.feed.first_render import RefreshAfterFirstRender
from shared import contracts
from shared.db import utcnow
from shared.models import RenderedFeed
from shared.refresh_queue import dirty_key, queued_key
from shared.settings import Settings
from tests.support.content import ingest, page
from tests.support.waiting import wait_for


def stored_keys(session: Session) -> set[str]:
    session.expire_all()
    keys = set(session.scalars(select(RenderedFeed.key)))
    session.commit()
    return keys


def marked(settings: Settings) -> dict[str, str]:
    client = redis.Redis.from_url(settings.redis_url)
    try:
        raw = client.hgetall(dirty_key(settings.key_prefix))
    finally:
        client.close()
    return {k.decode(): v.decode() for k, v in raw.items()}


@pytest.fixture
def own_settings(settings: Settings) -> Settings:
    """Redis keys of this test's own: a feed worker another test started drains nothing here."""
    return settings.model_copy(update={"namespace": f"test-{uuid.uuid4().hex[:10]}"})


def test_a_change_renders_only_the_documents_asked_for(
    own_settings: Settings, session: Session
) -> None:
    settings = own_settings
    ingest(settings, page("Asked", 2), render=False)
    app = web(settings)
    reader = app.test_client()
    assert reader.get("/feeds/articles.json").status_code == 200
    assert stored_keys(session) == {"articles.json"}

    ingest(settings, page("Later", 1), render=False)
    result = publish.refresh(
        session, settings, ["articles", "source:test", "tag:kazakhstan"], utcnow()
    )
    assert result.rendered == ["articles"] and result.changed == ["articles.json"]
    assert stored_keys(session) == {"articles.json"}

    # Another format, asked for later, is rendered then (with every change so far)
    # and kept current from then on.
    atom = reader.get("/feeds/articles.atom")
    assert atom.status_code == 200 and b"Later Story Number 0 From Almaty" in atom.data
    ingest(settings, page("Last", 1), render=False)
    result = publish.refresh(session, settings, ["articles"], utcnow())
    assert sorted(result.changed) == ["articles.atom", "articles.json"]
    app.extensions["silkfeed"]["memory"].forget(["articles.atom"])
    assert b"Last Story Number 0 From Almaty" in reader.get("/feeds/articles.atom").data


def test_a_first_render_asks_for_a_refresh_that_catches_a_change_made_meanwhile(
    own_settings: Settings, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = own_settings
    ingest(settings, page("Before", 1), render=False)
    app = web(settings)
    real = publish._read_current
    worker_runs: list[publish.Refreshed] = []

    def change_after_the_read(*args: object, **kwargs: object) -> object:
        current = real(*args, **kwargs)  # type: ignore[arg-type]
        if not worker_runs:
            # A page lands after the render read the database, and the worker's
            # refresh for it runs before the new document is stored: it sees
            # nothing to render.
            ingest(settings, page("Meanwhile", 1), render=False)
            worker_runs.append(publish.refresh(session, settings, ["articles"], utcnow()))
        return current

    monkeypatch.setattr(publish, "_read_current", change_after_the_read)
    first = app.test_client().get("/feeds/articles.json")
    monkeypatch.undo()
    assert worker_runs[0].rendered == []
    assert b"Meanwhile Story" not in first.data

    # The refresh the request asked for (as the feed worker drains it).
    stamp = wait_for(lambda: marked(settings).get("articles"), 10, what="the refresh")
    result = publish.refresh(session, settings, ["articles"], datetime.fromisoformat(stamp))
    assert result.changed == ["articles.json"]
    body = session.get(RenderedFeed, "articles.json")
    assert body is not None and b"Meanwhile Story Number 0 From Almaty" in body.body


def test_the_refresh_asked_for_is_a_queued_feed_task(own_settings: Settings) -> None:
    settings = own_settings
    ingest(settings, page("Queued", 1), render=False)
    client = redis.Redis.from_url(settings.redis_url)
    queue = settings.key_prefix + contracts.QUEUE_FEED
    client.delete(queue, queued_key(settings.key_prefix))
    try:
        assert web(settings).test_client().get("/feeds/rates.atom").status_code == 200
        wait_for(lambda: "rates" in marked(settings), 10, what="the refresh")
        assert client.llen(queue) == 1 and client.exists(queued_key(settings.key_prefix))
    finally:
        client.close()


def web(settings: Settings) -> Flask:
    return create_app(settings, watch_changes=False)


def test_a_refresh_that_cannot_be_sent_holds_no_reader_and_is_sent_later(
    own_settings: Settings,
) -> None:
    settings = own_settings
    refresher = RefreshAfterFirstRender(
        settings, redis.Redis(port=free_port(), socket_connect_timeout=0.2)
    )
    started = time.monotonic()
    refresher.request("tag:quiet")
    assert time.monotonic() - started < 0.1  # the reader's request goes on at once
    time.sleep(0.5)
    assert refresher.waiting() == ["tag:quiet"]  # not sent, not forgotten
    refresher.client = redis.Redis.from_url(settings.redis_url)  # Redis is back
    wait_for(lambda: "tag:quiet" in marked(settings), 10, what="the refresh, sent again")
    wait_for(lambda: refresher.waiting() == [], 5, what="the refresh done")
    refresher.client.close()
