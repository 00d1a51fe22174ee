"""Fixtures of the CLI tests: the command's environment, a served ingest API,
and a Redis namespace no worker listens on."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from click.testing import CliRunner, Result
from werkzeug.serving import make_server

from cli.main import main
from services.ingest.app import create_app
from shared.db import make_engine, make_session_factory
from shared.models import Submission
from shared.settings import Settings
from tests.conftest import TOKEN
from tests.support.redis_server import RedisServer


@dataclass
class Cli:
    """Runs `silkfeed ARGS` in-process with the test's environment."""

    env: dict[str, str]

    def __call__(self, *args: str, **env: str) -> Result:
        runner = CliRunner()
        return runner.invoke(main, list(args), env={**self.env, **env}, catch_exceptions=False)


@pytest.fixture
def cli(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The CLI configured as an operator's shell would be: from the environment."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in list(os.environ):
        if name.startswith("SILKFEED_"):
            monkeypatch.delenv(name)
    return Cli(
        {
            "SILKFEED_DATABASE_URL": settings.db_url,
            "SILKFEED_REDIS_URL": settings.redis_url,
            "SILKFEED_INGEST_TOKENS": TOKEN,
            "SILKFEED_DATA_DIR": str(tmp_path / "data"),
        }
    )


@pytest.fixture
def quiet_namespace(cli: Cli, redis_server: RedisServer) -> Iterator[str]:
    """A namespace of its own: tasks the CLI sends wait in Redis, where the test
    can look at them, instead of going to the shared workers. Removed afterwards."""
    namespace = f"cli-{uuid.uuid4().hex[:8]}"
    cli.env["SILKFEED_NAMESPACE"] = namespace
    yield f"silkfeed:{namespace}:"
    client = redis.Redis.from_url(redis_server.url)
    for key in client.scan_iter(match=f"silkfeed:{namespace}:*"):
        client.delete(key)
    client.close()


@dataclass
class IngestServer:
    url: str
    settings: Settings


def serve_ingest(settings: Settings, *, relay: bool) -> Iterator[IngestServer]:
    app = create_app(settings, start_relay=relay)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield IngestServer(f"http://127.0.0.1:{server.server_port}", settings)
    finally:
        server.shutdown()
        thread.join(10)
        app.extensions["silkfeed"]["outbox"].stop()
        app.extensions["silkfeed"]["engine"].dispose()


@pytest.fixture
def ingest_api(settings: Settings) -> Iterator[IngestServer]:
    """The ingest API on a free port, without its relay: pages are stored, not processed."""
    yield from serve_ingest(settings, relay=False)


@pytest.fixture
def ingest_api_with_relay(settings: Settings, workers: object) -> Iterator[IngestServer]:
    """The ingest API with its relay, and the three workers: pages are processed."""
    yield from serve_ingest(settings, relay=True)


def store(db_url: str, **values: object) -> str:
    """A submission row as the ingest API stores it; ``values`` override columns."""
    sid = uuid.uuid4().hex
    body = f"A page {sid}\n\nIts text.".encode()
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        session.add(
            Submission(
                **{
                    "id": sid,
                    "body": body,
                    "body_sha256": sid * 2,
                    "media_type": "text/plain",
                    "source": "timesca",
                    **values,
                }
            )
        )
        session.commit()
    engine.dispose()
    return sid
