"""The hub end to end, with a subscriber of nothing but the standard library: discovery,
verification, signed pushes of the full document, retries, leases, and subscribers that
are slow or gone holding up neither rendering nor anyone else."""

from __future__ import annotations

import time
import urllib.request

from lxml import etree

from tests.services.feed.websub.bare_subscriber import (
    ATOM,
    BareSubscriber,
    Behaviour,
    discover,
    request,
    signature_ok,
)
from tests.services.feed.websub.conftest import HubStack
from tests.support.content import page
from tests.support.waiting import wait_for

SECRET = "correct horse battery staple"


def titles(body: bytes) -> list[str]:
    root = etree.fromstring(body)
    return [e.findtext(f"{{{ATOM}}}title") for e in root.findall(f"{{{ATOM}}}entry")]


def subscribe(hub: HubStack, sub: BareSubscriber, name: str, behaviour: Behaviour | None = None,
              **extra: str) -> tuple[str, str]:
    hub_url, topic = discover(f"{hub.base}/feeds/articles.atom")
    callback = sub.callback(name, behaviour)
    assert request(hub_url, "subscribe", topic, callback, **extra) == 202
    wait_for(lambda: any(s.callback == callback for s in hub.rows()[0]), 30,
             what=f"{name} verified")
    return topic, callback


def test_full_handshake_and_signed_push(hub: HubStack) -> None:
    with BareSubscriber() as sub:
        hub_url, topic = discover(f"{hub.base}/feeds/articles.atom")
        assert hub_url == f"{hub.base}/websub"
        assert topic == f"{hub.base}/feeds/articles.atom"
        callback = sub.callback("reader?list=7")  # a query of its own is kept
        status = request(hub_url, "subscribe", topic, callback, secret=SECRET,
                         lease_seconds="600")
        assert status == 202
        check = wait_for(lambda: sub.verified("reader"), 30, what="verification GET")[0]
        assert check["hub.mode"] == "subscribe"
        assert check["hub.topic"] == topic
        assert check["list"] == "7"
        assert int(check["hub.lease_seconds"]) == 600
        assert len(check["hub.challenge"]) >= 16
        (row,), intents = wait_for(lambda: hub.rows() if hub.rows()[0] else None, 30,
                                   what="the subscription")
        assert intents == [] and row.callback == callback and row.secret == SECRET

        hub.post_page(page("Pushed", 2))
        (note,) = wait_for(lambda: sub.received("reader"), 30, what="the push")
        assert "Pushed Story Number 1 From Almaty" in titles(note.body)
        assert note.headers["Content-Type"].startswith("application/atom+xml")
        assert signature_ok(SECRET, note)
        assert not signature_ok("another secret", note)
        assert note.headers["Link"] == f'<{hub_url}>; rel="hub", <{topic}>; rel="self"'
        # The full document, exactly as readers get it.
        with urllib.request.urlopen(topic, timeout=10) as resp:  # noqa: S310
            assert resp.read() == note.body


def test_unverifiable_intent_subscribes_nothing(hub: HubStack) -> None:
    with BareSubscriber() as sub:
        hub_url, topic = discover(f"{hub.base}/feeds/articles.atom")
        callback = sub.callback("mute", Behaviour(echo=False))
        assert request(hub_url, "subscribe", topic, callback) == 202
        wait_for(lambda: sub.verified("mute"), 30, what="verification GET")
        wait_for(lambda: hub.rows() == ([], []), 30, what="the intent dropped")
        assert "not confirmed" in hub.log("websub-worker")
        hub.post_page(page("Unheard", 1))
        time.sleep(3)
        assert sub.received("mute") == []


def test_unsubscribe_is_verified_then_removed(hub: HubStack) -> None:
    with BareSubscriber() as sub:
        topic, callback = subscribe(hub, sub, "leaver")
        assert request(f"{hub.base}/websub", "unsubscribe", topic, callback) == 202
        wait_for(lambda: hub.rows() == ([], []), 30, what="the subscription removed")
        assert sub.verified("leaver")[-1]["hub.mode"] == "unsubscribe"


def test_failed_delivery_is_retried(hub: HubStack) -> None:
    with BareSubscriber() as sub:
        subscribe(hub, sub, "flaky", Behaviour(statuses=[500, 503]))
        hub.post_page(page("Retried", 1))
        notes = wait_for(lambda: sub.received("flaky") if len(sub.received("flaky")) >= 3
                         else None, 60, what="two retries")
        assert len({n.body for n in notes}) == 1  # the same document each time
        # Backoff: about 1 s before the first retry, 2 s before the second.
        assert notes[1].at - notes[0].at >= 0.9
        assert notes[2].at - notes[1].at >= 1.8
        # The hub records the success once the third answer (204) is back.
        wait_for(lambda: [r for r in hub.rows()[0] if r.delivered_at and not r.failing_since],
                 30, what="the success recorded")


def test_callback_failing_too_long_is_dropped(hub: HubStack) -> None:
    with BareSubscriber() as sub:
        subscribe(hub, sub, "broken", Behaviour(statuses=[500] * 50))
        hub.post_page(page("Dropped", 1))
        wait_for(lambda: hub.rows()[0] == [], 90, what="the failing callback dropped")
        assert "dropped " + sub.base + "/broken" in hub.log("websub-worker")
        assert len(sub.received("broken")) >= 2


def test_lease_expiry(hub: HubStack) -> None:
    with BareSubscriber() as sub:
        subscribe(hub, sub, "brief", lease_seconds="2")
        (row,), _ = hub.rows()
        assert row.lease_seconds == 2
        time.sleep(3)
        hub.post_page(page("Late", 1))
        wait_for(lambda: hub.rows()[0] == [], 30, what="the ended lease removed")
        assert "lease of " + sub.base + "/brief" in hub.log("websub-worker")
        assert sub.received("brief") == []


def test_slow_and_dead_subscribers_hold_up_nobody(hub: HubStack) -> None:
    with BareSubscriber() as sub, BareSubscriber() as doomed:
        subscribe(hub, sub, "slow", Behaviour(delay=20))
        subscribe(hub, doomed, "dead")
        subscribe(hub, sub, "fast")
        doomed.server.shutdown()
        doomed.server.server_close()  # nothing listens there any more
        posted = hub.post_page(page("Unhindered", 2))

        def feed_has_it() -> bool:
            with urllib.request.urlopen(f"{hub.base}/feeds/articles.atom", timeout=10) as resp:  # noqa: S310
                return "Unhindered Story Number 1 From Almaty" in titles(resp.read())

        wait_for(feed_has_it, 10, interval=0.02, what="the render")
        rendered = time.monotonic() - posted
        (note,) = wait_for(lambda: sub.received("fast"), 10, interval=0.02, what="the fast push")
        assert "Unhindered Story Number 1 From Almaty" in titles(note.body)
        # Generous for a loaded machine, and far below the slow subscriber's 20 s.
        assert rendered < 5, rendered
        assert note.at - posted < 5, note.at - posted


def test_a_topic_no_reader_has_fetched_is_stored_by_its_subscription_and_pushed(
    hub: HubStack,
) -> None:
    # Only stored documents are kept current: subscribing stores the topic's.
    with BareSubscriber() as sub:
        topic = f"{hub.base}/feeds/articles.rss"
        callback = sub.callback("unfetched")
        assert request(f"{hub.base}/websub", "subscribe", topic, callback) == 202
        wait_for(lambda: any(s.callback == callback for s in hub.rows()[0]), 30,
                 what="unfetched verified")
        hub.post_page(page("Unfetched", 2))
        (note,) = wait_for(lambda: sub.received("unfetched"), 30, what="the push")
        assert b"Unfetched Story Number 1 From Almaty" in note.body
        assert note.headers["Content-Type"].startswith("application/rss+xml")
