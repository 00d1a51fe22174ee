"""The stack's services listen on loopback unless told otherwise."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
import redis

from cli import serve
from cli.system import start_private_redis
from shared.gunicorn_options import gunicorn_options
from shared.settings import Settings
from tests.faults.stack import Stack


@pytest.fixture
def defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    monkeypatch.delenv("SILKFEED_BIND_HOST", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env file
    return Settings()


def test_default_bind_host_is_loopback(defaults: Settings) -> None:
    assert defaults.bind_host == "127.0.0.1"
    assert gunicorn_options(defaults, "ingest-api", 8001)["bind"] == ["127.0.0.1:8001"]
    assert defaults.base_url == "http://127.0.0.1:8000"


def test_feed_server_binds_the_configured_host(defaults: Settings) -> None:
    with mock.patch("granian.Granian") as granian:
        serve.serve_feed(defaults)
    assert granian.call_args.kwargs["address"] == "127.0.0.1"


def test_private_redis_listens_on_loopback_only(tmp_path: Path) -> None:
    proc, url = start_private_redis(tmp_path, persistent=False)
    try:
        client = redis.Redis.from_url(url)
        assert client.config_get("bind")["bind"] == "127.0.0.1"
        assert client.config_get("protected-mode")["protected-mode"] == "yes"
        client.close()
    finally:
        proc.terminate()
        proc.wait(10)


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on ``port`` (from /proc/net/tcp{,6})."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_running_ingest_api_listens_on_loopback_only(stack: Stack) -> None:
    stack.env.pop("SILKFEED_BIND_HOST", None)
    stack.start_api()
    port = int(stack.ingest_url.rsplit(":", 1)[1])
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, little-endian hex
