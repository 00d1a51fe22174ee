"""POST /websub: every refusal answered at once with a problem document, and what is
accepted stored as an intent for the worker to verify."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from services.feed.app import create_app
from services.feed.websub.intake import lease
from shared.db import make_engine, make_session_factory
from shared.models import WebSubIntent
from shared.problems import Problem
from shared.settings import Settings
from tests.support.content import ingest, page

BASE = "http://feeds.example.test"
TOPIC = f"{BASE}/feeds/articles.atom"
PUBLIC_CALLBACK = "http://93.184.216.34/websub/callback"


@pytest.fixture
def hub_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"namespace": "intake"})


@pytest.fixture
def client(hub_settings: Settings) -> Iterator[FlaskClient]:
    app: Flask = create_app(hub_settings, watch_changes=False)
    yield app.test_client()


def subscribe(client: FlaskClient, **fields: str) -> tuple[int, dict]:
    form = {"hub.mode": "subscribe", "hub.topic": TOPIC, "hub.callback": PUBLIC_CALLBACK}
    form.update(fields)
    resp = client.post("/websub", data={k: v for k, v in form.items() if v is not None})
    return resp.status_code, (resp.get_json(silent=True) or {})


def intents(settings: Settings) -> list[WebSubIntent]:
    engine = make_engine(settings.db_url)
    with make_session_factory(engine)() as session:
        rows = list(session.scalars(select(WebSubIntent)))
    engine.dispose()
    return rows


@pytest.mark.parametrize(
    ("fields", "status", "detail"),
    [
        ({"hub.topic": "http://elsewhere.example/feeds/articles.atom"}, 422, "this hub's feeds"),
        ({"hub.topic": f"{BASE}/feeds/nothing.atom"}, 404, "no feed at"),
        ({"hub.topic": f"{BASE}/feeds/articles.atom?q=tax"}, 422, "query variants"),
        ({"hub.topic": f"{BASE}/feeds/articles/archive/1.atom"}, 422, "archive pages"),
        ({"hub.topic": f"{BASE}/feeds/tags/nowhere.atom"}, 404, "no feed at"),
        ({"hub.mode": "publish"}, 422, "hub.mode must be"),
        ({"hub.mode": ""}, 400, "hub.mode is required"),
        ({"hub.callback": ""}, 400, "hub.callback is required"),
        ({"hub.topic": ""}, 400, "hub.topic is required"),
        ({"hub.callback": "http://127.0.0.1:9/cb"}, 422, "private"),
        ({"hub.callback": "http://169.254.169.254/latest/meta-data/"}, 422, "metadata"),
        ({"hub.callback": "javascript:alert(1)"}, 422, "http:// or https://"),
        ({"hub.callback": "http://[::1/"}, 422, "not a URL"),
        ({"hub.lease_seconds": "-5"}, 422, "hub.lease_seconds"),
        ({"hub.lease_seconds": "soon"}, 422, "hub.lease_seconds"),
        ({"hub.secret": "s" * 200}, 422, "hub.secret"),
    ],
)
def test_refusals(
    client: FlaskClient, hub_settings: Settings, fields: dict, status: int, detail: str
) -> None:
    code, doc = subscribe(client, **fields)
    assert code == status, doc
    assert detail in doc["detail"]
    assert intents(hub_settings) == []


def test_not_a_form_is_refused(client: FlaskClient) -> None:
    resp = client.post("/websub", json={"hub.mode": "subscribe"})
    assert resp.status_code == 415
    resp = client.post("/websub", data="hub.mode=" + "x" * 5000,
                       content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 413
    assert resp.get_json()["limit"] == 4096
    assert resp.headers["Connection"] == "close"


def test_accepted_request_is_stored_for_verification(
    client: FlaskClient, hub_settings: Settings
) -> None:
    code, _ = subscribe(client, **{"hub.lease_seconds": "999999999", "hub.secret": "sesame"})
    assert code == 202
    (intent,) = intents(hub_settings)
    assert (intent.mode, intent.topic, intent.topic_key, intent.callback) == (
        "subscribe", TOPIC, "articles.atom", PUBLIC_CALLBACK
    )
    assert intent.lease_seconds == hub_settings.websub_lease_max
    assert intent.secret == "sesame"


def test_tag_feed_topic_needs_the_tag(client: FlaskClient, hub_settings: Settings) -> None:
    ingest(hub_settings, page("Intake", 1))
    code, doc = subscribe(client, **{"hub.topic": f"{BASE}/feeds/tags/kazakhstan.rss"})
    assert code == 202, doc
    assert intents(hub_settings)[0].topic_key == "tag:kazakhstan.rss"


def test_lease_is_clamped_with_a_default(settings: Settings) -> None:
    s = settings.model_copy(
        update={"websub_lease_min": 60, "websub_lease_max": 3600, "websub_lease_default": 600}
    )
    assert lease(s, None) == 600
    assert lease(s, "") == 600
    assert lease(s, "5") == 60
    assert lease(s, "1200") == 1200
    assert lease(s, "86400") == 3600
    with pytest.raises(Problem):
        lease(s, "0")


def test_callback_rate_limit(settings: Settings) -> None:
    limit = 5
    hub_settings = settings.model_copy(
        update={"namespace": f"rate-{uuid.uuid4().hex[:8]}", "websub_callback_rate": limit}
    )
    client = create_app(hub_settings, watch_changes=False).test_client()
    if time.time() % 60 > 50:  # the limit's one-minute window must not roll over mid-test
        time.sleep(61 - time.time() % 60)
    codes = [subscribe(client)[0] for _ in range(limit + 1)]
    assert codes[:limit] == [202] * limit
    assert codes[limit] == 429
    resp = client.post("/websub", data={"hub.mode": "subscribe", "hub.topic": TOPIC,
                                        "hub.callback": PUBLIC_CALLBACK})
    assert 1 <= int(resp.headers["Retry-After"]) <= 60


def test_caps_per_topic_and_in_total(settings: Settings) -> None:
    from services.feed.websub import store
    from shared.db import utcnow

    engine = make_engine(settings.db_url)
    with make_session_factory(engine)() as session:
        intent = WebSubIntent(mode="subscribe", topic=TOPIC, topic_key="articles.atom",
                              callback=PUBLIC_CALLBACK, lease_seconds=600, secret=None,
                              requested_at=utcnow())
        store.subscribe(session, intent, utcnow())
        session.commit()
    engine.dispose()
    for caps in ({"websub_max_per_topic": 1}, {"websub_max_total": 1}):
        s = settings.model_copy(update={"namespace": f"caps-{uuid.uuid4().hex[:8]}", **caps})
        client = create_app(s, watch_changes=False).test_client()
        code, doc = subscribe(client, **{"hub.callback": "http://93.184.216.35/other"})
        assert code == 422 and "most subscriptions" in doc["detail"], (caps, doc)
        assert subscribe(client)[0] == 202  # renewing the one there takes no new room
