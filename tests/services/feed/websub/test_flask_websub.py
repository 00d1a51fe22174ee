"""An independent subscriber, Flask-WebSub's (from PyPI), against the hub: it discovers
hub and topic from the feed, subscribes, is verified, receives the update pushed when a
page is posted, and unsubscribes again."""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_websub.subscriber import (
    SQLite3SubscriberStorage,
    SQLite3TempSubscriberStorage,
    Subscriber,
    discover,
)
from werkzeug.serving import make_server

from cli.system import free_port
from tests.services.feed.websub.conftest import HubStack
from tests.support.content import page
from tests.support.waiting import wait_for


class Reader:
    """A Flask app with Flask-WebSub's subscriber blueprint, served on loopback."""

    def __init__(self, directory: Path) -> None:
        port = free_port()
        self.app = Flask("reader")
        self.app.config["SERVER_NAME"] = f"127.0.0.1:{port}"
        db = str(directory / "subscriber.sqlite3")
        self.subscriber = Subscriber(SQLite3SubscriberStorage(db), SQLite3TempSubscriberStorage(db))
        self.app.register_blueprint(self.subscriber.build_blueprint(url_prefix="/callbacks"))
        self.pushes: list[tuple[float, str, bytes]] = []
        self.successes: list[tuple[str, str, str]] = []
        self.subscriber.add_listener(
            lambda topic, _id, body: self.pushes.append((time.monotonic(), topic, body))
        )
        self.subscriber.add_success_handler(
            lambda topic, callback_id, mode: self.successes.append((topic, callback_id, mode))
        )
        self.server = make_server("127.0.0.1", port, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        with self.app.app_context():
            return getattr(self.subscriber, method)(*args, **kwargs)

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(10)


class Poller(threading.Thread):
    """A reader that polls the feed every 20 ms: when it would have seen the entry."""

    def __init__(self, url: str, needle: bytes) -> None:
        super().__init__(daemon=True)
        self.url, self.needle, self.seen_at = url, needle, 0.0

    def run(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with urllib.request.urlopen(self.url, timeout=10) as resp:  # noqa: S310
                if self.needle in resp.read():
                    self.seen_at = time.monotonic()
                    return
            time.sleep(0.02)

    def result(self) -> float:
        return self.seen_at


@pytest.fixture
def reader(tmp_path: Path) -> Iterator[Reader]:
    r = Reader(tmp_path)
    yield r
    r.stop()


def test_flask_websub_subscriber_gets_the_push_within_two_seconds(
    hub: HubStack, reader: Reader
) -> None:
    found = discover(f"{hub.base}/feeds/articles.rss")
    assert found == {
        "hub_url": f"{hub.base}/websub",
        "topic_url": f"{hub.base}/feeds/articles.rss",
    }
    callback_id = reader.call("subscribe", **found)
    wait_for(lambda: reader.successes, 30, what="the subscriber's verification")
    assert reader.successes == [(found["topic_url"], callback_id, "subscribe")]
    # The hub stores the subscription once the verification GET has been answered.
    (row,) = wait_for(lambda: hub.rows()[0], 30, what="the stored subscription")
    assert row.callback == f"http://127.0.0.1:{reader.server.server_port}/callbacks/{callback_id}"

    poller = Poller(found["topic_url"], b"Independent Story Number 1 From Almaty")
    posted = hub.post_page(page("Independent", 2))
    poller.start()
    arrived, topic, body = wait_for(lambda: reader.pushes and reader.pushes[0], 30,
                                    interval=0.01, what="the push")
    assert topic == found["topic_url"]
    assert b"<title>Independent Story Number 1 From Almaty</title>" in body
    pushed = arrived - posted
    polled = wait_for(poller.result, 30, what="the entry by polling") - posted
    print(f"push {pushed:.3f} s, polling every 20 ms {polled:.3f} s after the 202")
    # Within 2 s of posting; on a machine so loaded that the page itself takes
    # longer to reach the feed, the push must still follow the render closely.
    assert pushed < 2.0 or pushed < polled + 0.5, (pushed, polled)

    reader.call("unsubscribe", callback_id)
    wait_for(lambda: hub.rows()[0] == [], 30, what="the unsubscription")
    assert reader.successes[-1] == (found["topic_url"], callback_id, "unsubscribe")
