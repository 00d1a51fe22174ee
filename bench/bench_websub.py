"""WebSub push beside polling: how soon a subscriber holds a newly posted page's entries.

Starts a stack (`silkfeed stack up`, with the websub worker) on a private Redis,
a subscriber on the standard library's HTTP server subscribed to
/feeds/articles.json through the hub (verified like any other), and a reader
that polls the same feed every 5 ms. For each of 50 distinct pages, posted one
after another: the time from the ingest API's 202 until the subscriber holds a
pushed document with the page's entries, and until the poller first sees them.
Polling every 5 ms is the best any poller can do (readers poll every 15-60
minutes); push needs no polling at all.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from bench.common import bench_stack, distinct_page, get_json, median, percentile, post

PAGES = 50
TARGET_P50 = 2.0  # seconds from POST 202 to the subscriber holding the entries


class Subscriber:
    def __init__(self) -> None:
        self.pushes: list[tuple[float, bytes]] = []
        self.verified = threading.Event()
        self.lock = threading.Lock()
        sub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: object) -> None:
                pass

            def do_GET(self) -> None:  # the hub's verification
                query = parse_qs(urlsplit(self.path).query)
                body = query.get("hub.challenge", [""])[0].encode()
                self.send_response(200 if body else 404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                if body:
                    sub.verified.set()

            def do_POST(self) -> None:  # a pushed document
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with sub.lock:
                    sub.pushes.append((time.perf_counter(), body))
                self.send_response(204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/callback"

    def holding(self, needle: bytes, since: int) -> float | None:
        with self.lock:
            for at, body in self.pushes[since:]:
                if needle in body:
                    return at
        return None


def subscribe(feed: str, callback: str) -> None:
    topic = f"{feed}/feeds/articles.json"
    hub = get_json(topic)["hubs"][0]["url"]
    form = urlencode({"hub.mode": "subscribe", "hub.topic": topic, "hub.callback": callback})
    req = urllib.request.Request(  # noqa: S310
        hub, data=form.encode(), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
        assert resp.status == 202, resp.status


def polled(feed: str, title: str, deadline: float) -> float:
    while time.perf_counter() < deadline:
        items = get_json(f"{feed}/feeds/articles.json")["items"]
        if any(i["title"] == title for i in items):
            return time.perf_counter()
        time.sleep(0.005)
    raise TimeoutError(f"{title!r} never appeared in the feed")


def run() -> int:
    sub = Subscriber()
    env = {
        "SILKFEED_WEBSUB_ALLOW_PRIVATE_CALLBACKS": "true",  # the subscriber is on loopback
        "SILKFEED_WEBSUB_CALLBACK_RATE": "100000",
    }
    pushed, polls = [], []
    with bench_stack("silkfeed-bench-websub-", **env) as stack:
        subscribe(stack.feed, sub.url)
        if not sub.verified.wait(60):
            raise TimeoutError("the hub never verified the subscription")
        time.sleep(1.0)  # the verification's answer is stored just after the GET
        for i in range(PAGES):
            body, titles = distinct_page(i, "Push")
            seen = len(sub.pushes)
            post(stack.ingest, body)
            t0 = time.perf_counter()
            deadline = t0 + 60
            polls.append(polled(stack.feed, titles[-1], deadline) - t0)
            needle = json.dumps(titles[-1], ensure_ascii=False).encode()
            while (at := sub.holding(needle, seen)) is None:
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"page {i} was never pushed")
                time.sleep(0.002)
            pushed.append(at - t0)
    print(f"WebSub push vs polling every 5 ms, {PAGES} pages (seconds after the POST's 202):")
    for name, values in (("push", pushed), ("polling", polls)):
        print(
            f"  {name:<8} p50 {median(values) * 1000:7.1f} ms   "
            f"p99 {percentile(values, 99) * 1000:7.1f} ms   max {max(values) * 1000:7.1f} ms"
        )
    ratio = median(pushed) / median(polls)
    print(f"  push p50 / polling p50 = {ratio:.2f}")
    ok = median(pushed) < TARGET_P50
    print(f"  target: push p50 under {TARGET_P50:.0f} s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(run())
