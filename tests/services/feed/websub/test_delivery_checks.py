"""Delivery without a network: the address is checked again at delivery time, the
signature is the HMAC of the exact body, superseded and expired deliveries send nothing."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from services.feed.websub import store
from services.feed.websub.deliver import DeliveryFailed, deliver, signature
from services.feed.websub.limits import RateLimits
from shared.db import make_engine, make_session_factory, utcnow
from shared.models import RenderedFeed, WebSubIntent, WebSubSubscription
from shared.redis_client import settings_client
from shared.settings import Settings
from tests.support.content import ingest, page


def test_signature_is_hmac_sha256_of_the_body() -> None:
    body = b"<feed>\xe2\x80\x94</feed>"
    expected = hmac.new(b"key", body, hashlib.sha256).hexdigest()
    assert signature("key", body) == "sha256=" + expected


@pytest.fixture
def session(settings: Settings):  # type: ignore[no-untyped-def]
    ingest(settings, page("Checked", 1))
    engine = make_engine(settings.db_url)
    with make_session_factory(engine)() as s:
        yield s
    engine.dispose()


def add(session: Session, callback: str, lease: int = 600) -> WebSubSubscription:
    intent = WebSubIntent(mode="subscribe", topic="http://feeds.example.test/feeds/articles.atom",
                          topic_key="articles.atom", callback=callback, lease_seconds=lease,
                          secret=None, requested_at=utcnow())
    row = store.subscribe(session, intent, utcnow())
    session.commit()
    return row


def limits(settings: Settings) -> RateLimits:
    return RateLimits(settings_client(settings), "delivery-checks:", 1000, 1000)


def test_private_callback_refused_at_delivery(session: Session, settings: Settings) -> None:
    # Subscribed while allowed (or while DNS said otherwise); refused now.
    row = add(session, "http://127.0.0.1:9/callback")
    etag = session.get(RenderedFeed, "articles.atom").etag
    with pytest.raises(DeliveryFailed, match="refused"):
        deliver(session, settings, limits(settings), row.id, "articles.atom", etag)
    session.expire_all()
    assert session.get(WebSubSubscription, row.id).failing_since is not None


def test_superseded_and_expired_send_nothing(session: Session, settings: Settings) -> None:
    row = add(session, "http://127.0.0.1:9/callback")
    assert deliver(session, settings, limits(settings), row.id, "articles.atom", '"old"') == (
        "superseded"
    )
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    etag = session.get(RenderedFeed, "articles.atom").etag
    assert deliver(session, settings, limits(settings), row.id, "articles.atom", etag) == (
        "expired"
    )
    assert session.get(WebSubSubscription, row.id) is None


def test_metrics_name_topics_and_outcomes(session: Session, settings: Settings) -> None:
    from services.feed.app import create_app
    from services.feed.websub.metrics import DeliveryFigures

    s = settings.model_copy(update={"namespace": "metrics-check"})
    add(session, "http://127.0.0.1:9/callback")
    figures = DeliveryFigures(settings_client(s), s.key_prefix)
    figures.client.delete(figures.key)
    figures.record("delivered", 0.3)
    figures.record("failed")
    text = create_app(s, watch_changes=False).test_client().get("/metrics").get_data(as_text=True)
    topic = "http://feeds.example.test/feeds/articles.atom"
    assert f'silkfeed_websub_subscriptions{{topic="{topic}"}} 1.0' in text
    assert 'silkfeed_websub_deliveries_total{outcome="delivered"} 1.0' in text
    assert 'silkfeed_websub_deliveries_total{outcome="failed"} 1.0' in text
    assert 'silkfeed_websub_delivery_latency_seconds_bucket{le="0.5"} 1.0' in text
    assert "silkfeed_websub_delivery_latency_seconds_count 1.0" in text
