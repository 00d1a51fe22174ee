"""A hub on loopback: the feed service served over HTTP at its public URL, the ingest
API in process, and the ingest, rates, feed and websub workers as real processes,
in a Redis namespace of their own, with private callbacks allowed (loopback)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.serving import make_server

from cli.system import free_port
from services.feed.app import create_app as create_feed_app
from services.ingest.app import create_app as create_ingest_app
from shared.contracts import QUEUE_FEED, QUEUE_INGEST, QUEUE_RATES, QUEUE_WEBSUB
from shared.db import make_engine, make_session_factory
from shared.models import WebSubIntent, WebSubSubscription
from shared.settings import Settings
from tests.conftest import TOKEN, settings_env
from tests.support.databases import wipe
from tests.support.processes import ServiceProcess, stop_all
from tests.support.redis_server import RedisServer

HUB_WORKERS = ("ingest-worker", "rates-worker", "feed-worker", "websub-worker")
# Short enough for tests to watch leases end and failing callbacks go.
HUB_SETTINGS = {
    "websub_allow_private_callbacks": True,
    "websub_lease_min": 1,
    "websub_drop_after": 6,
    "websub_timeout": 3.0,
    "websub_callback_rate": 1000,
}


@dataclass
class HubStack:
    settings: Settings
    ingest: FlaskClient
    procs: dict[str, ServiceProcess]

    @property
    def base(self) -> str:
        return self.settings.base_url

    def post_page(self, body: bytes) -> float:
        """Post a page; returns time.monotonic() when the 202 came back."""
        resp = self.ingest.post(
            "/v1/submissions?source=hubtest",
            data=body,
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"},
        )
        assert resp.status_code == 202, resp.get_json()
        return time.monotonic()

    def rows(self) -> tuple[list[WebSubSubscription], list[WebSubIntent]]:
        engine = make_engine(self.settings.db_url)
        with make_session_factory(engine)() as session:
            subs = list(session.scalars(select(WebSubSubscription)))
            intents = list(session.scalars(select(WebSubIntent)))
        engine.dispose()
        return subs, intents

    def settle(self, timeout: float = 30.0) -> None:
        """Wait until no queue holds a message (retries waiting out a countdown aside),
        so that nothing a test started still writes while the next one runs."""
        client = redis.Redis.from_url(self.settings.redis_url)
        names = [self.settings.key_prefix + q for q in
                 (QUEUE_INGEST, QUEUE_RATES, QUEUE_FEED, QUEUE_WEBSUB)]
        deadline, quiet = time.monotonic() + timeout, 0
        while quiet < 5 and time.monotonic() < deadline:
            quiet = quiet + 1 if sum(client.llen(n) for n in names) == 0 else 0
            time.sleep(0.1)
        client.close()

    def log(self, name: str) -> str:
        return self.procs[name].log_path.read_text(errors="replace")


@pytest.fixture(scope="module")
def hub_stack(
    database_url: str, redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HubStack]:
    port = free_port()
    data: Path = tmp_path_factory.mktemp("websub")
    settings = Settings(
        database_url=database_url,
        redis_url=redis_server.url,
        data_dir=data,
        ingest_tokens=TOKEN,  # type: ignore[arg-type]
        public_url=f"http://127.0.0.1:{port}",
        run_dir=data / "run",
        namespace=f"hub-{uuid.uuid4().hex[:8]}",
        **HUB_SETTINGS,  # type: ignore[arg-type]
    )
    env = settings_env(settings)
    env["SILKFEED_NAMESPACE"] = settings.namespace
    env.update({f"SILKFEED_{k.upper()}": str(v).lower() if isinstance(v, bool) else str(v)
                for k, v in HUB_SETTINGS.items()})
    procs = {name: ServiceProcess(name, env, data).start() for name in HUB_WORKERS}
    feed_app = create_feed_app(settings)
    server = make_server("127.0.0.1", port, feed_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ingest_app = create_ingest_app(settings)
    try:
        for proc in procs.values():
            proc.wait_ready(60)
        yield HubStack(settings, ingest_app.test_client(), procs)
    finally:
        ingest_app.extensions["silkfeed"]["outbox"].stop()
        server.shutdown()
        thread.join(10)
        feed_app.extensions["silkfeed"]["memory"].stop()
        stop_all(procs.values())
        wipe(database_url)  # the session's database is clean for the tests after these


@pytest.fixture
def hub(hub_stack: HubStack) -> Iterator[HubStack]:
    yield hub_stack
    hub_stack.settle()
    wipe(hub_stack.settings.db_url)
