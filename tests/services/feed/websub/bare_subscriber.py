"""A WebSub subscriber on nothing but the standard library's HTTP server.

It finds the hub and topic from the Atom feed's ``rel="hub"`` and ``rel="self"``
links, subscribes with a form-encoded POST, answers the verification GET by
echoing ``hub.challenge`` (or, told to, by not echoing it), and keeps every
notification POSTed to it with its headers and the time it arrived. Each
callback path is a separate subscriber, so one server can play several.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"


@dataclass
class Notification:
    body: bytes
    headers: dict[str, str]
    at: float  # time.monotonic() on arrival


@dataclass
class Behaviour:
    echo: bool = True  # answer verification with the challenge
    statuses: list[int] = field(default_factory=list)  # answers to POSTs, then 204
    delay: float = 0.0  # seconds before answering a POST


class BareSubscriber:
    def __init__(self) -> None:
        self.behaviour: dict[str, Behaviour] = {}
        self.verifications: dict[str, list[dict[str, str]]] = {}
        self.notifications: dict[str, list[Notification]] = {}
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def callback(self, name: str, behaviour: Behaviour | None = None) -> str:
        self.behaviour["/" + name.partition("?")[0]] = behaviour or Behaviour()
        return f"{self.base}/{name}"

    def __enter__(self) -> BareSubscriber:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def received(self, name: str) -> list[Notification]:
        with self.lock:
            return list(self.notifications.get(f"/{name}", []))

    def verified(self, name: str) -> list[dict[str, str]]:
        with self.lock:
            return list(self.verifications.get(f"/{name}", []))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        sub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: object) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                with sub.lock:
                    sub.verifications.setdefault(parts.path, []).append(query)
                behaviour = sub.behaviour.get(parts.path)
                if behaviour is None or not behaviour.echo or "hub.challenge" not in query:
                    self._answer(404, b"no")
                    return
                self._answer(200, query["hub.challenge"].encode())

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                path = urlsplit(self.path).path
                behaviour = sub.behaviour.get(path, Behaviour())
                with sub.lock:
                    sub.notifications.setdefault(path, []).append(
                        Notification(body, dict(self.headers.items()), time.monotonic())
                    )
                    status = behaviour.statuses.pop(0) if behaviour.statuses else 204
                if behaviour.delay:
                    time.sleep(behaviour.delay)
                self._answer(status, b"")

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


def discover(feed_url: str) -> tuple[str, str]:
    """(hub, topic) from an Atom feed's rel="hub" and rel="self" links."""
    with urllib.request.urlopen(feed_url, timeout=10) as resp:  # noqa: S310
        root = etree.fromstring(resp.read())
    links = {el.get("rel"): el.get("href") for el in root.findall(f"{{{ATOM}}}link")}
    return links["hub"], links["self"]


def request(hub: str, mode: str, topic: str, callback: str, **extra: str) -> int:
    """Send a form-encoded (un)subscribe request; the hub's status code."""
    form = {"hub.mode": mode, "hub.topic": topic, "hub.callback": callback}
    form.update({f"hub.{k}": v for k, v in extra.items()})
    req = urllib.request.Request(hub, data=urlencode(form).encode(), method="POST")  # noqa: S310
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def signature_ok(secret: str, note: Notification) -> bool:
    sent = note.headers.get("X-Hub-Signature", "")
    method, _, digest = sent.partition("=")
    if method != "sha256":
        return False
    expected = hmac.new(secret.encode(), note.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(digest, expected)
