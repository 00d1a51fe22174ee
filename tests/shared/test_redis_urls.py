"""The forms of SILKFEED_REDIS_URL beyond one local Redis: with sentinel://… the
broker (kombu) and the direct clients find the master through a real Redis
Sentinel; with rediss://… (a managed Redis) both verify the certificate."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from click.testing import CliRunner

from cli.main import main
from cli.system import free_port
from shared.celery_app import create_celery, send
from shared.contracts import PROCESS_SUBMISSION
from shared.redis_client import redis_client
from shared.settings import Settings, load_settings
from tests.support.redis_server import RedisServer

MASTER = "silkfeed-master"


@pytest.fixture
def sentinel(tmp_path: Path) -> Iterator[tuple[RedisServer, str]]:
    """A Redis and one Sentinel watching it; yields the server and the sentinel:// URL."""
    server = RedisServer(tmp_path / "redis")
    server.start()
    port = free_port()
    conf = tmp_path / "sentinel.conf"
    conf.write_text(
        f"port {port}\nbind 127.0.0.1\ndir {tmp_path}\n"
        f"sentinel monitor {MASTER} 127.0.0.1 {server.port} 1\n"
    )
    proc = subprocess.Popen(
        [server.binary, str(conf), "--sentinel"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                probe = redis.Redis(port=port, socket_timeout=0.5)
                if probe.execute_command("SENTINEL", "get-master-addr-by-name", MASTER):
                    probe.close()
                    break
            except redis.RedisError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the sentinel did not start")
            time.sleep(0.05)
        # A list of sentinels; the second is away (redis-py retries a dead one for
        # seconds before moving on, which is its business, not ours).
        yield server, f"sentinel://127.0.0.1:{port}/0;sentinel://127.0.0.1:{free_port()}/0"
    finally:
        proc.terminate()
        proc.wait(10)
        server.stop()


def test_a_sentinel_url_needs_the_master_name(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SILKFEED_REDIS_URL", "sentinel://127.0.0.1:26379/0")
    monkeypatch.delenv("SILKFEED_REDIS_SENTINEL_MASTER", raising=False)
    with pytest.raises(SystemExit):
        load_settings()
    assert "SILKFEED_REDIS_SENTINEL_MASTER" in capsys.readouterr().err
    monkeypatch.setenv("SILKFEED_REDIS_SENTINEL_MASTER", MASTER)
    assert load_settings().redis_sentinel_master == MASTER
    # A plain URL does not need one, and the broker is not told one.
    plain = Settings(redis_url="redis://127.0.0.1:6379/0", redis_sentinel_master="")
    assert "master_name" not in create_celery("t", plain).conf.broker_transport_options


def test_broker_and_direct_clients_reach_the_master(
    sentinel: tuple[RedisServer, str], tmp_path: Path
) -> None:
    server, url = sentinel
    settings = Settings(
        redis_url=url,
        redis_sentinel_master=MASTER,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        namespace="sentinel-test",
    )
    celery = create_celery("t", settings)
    assert celery.conf.broker_transport_options["master_name"] == MASTER
    send(celery, PROCESS_SUBMISSION, {"submission_id": "s1"})
    celery.close()
    master = redis.Redis.from_url(server.url)
    assert master.llen("silkfeed:sentinel-test:ingest") == 1

    client = redis_client(url, sentinel_master=MASTER, socket_timeout=2)
    assert client.llen("silkfeed:sentinel-test:ingest") == 1
    client.set("silkfeed:sentinel-test:probe", "1")
    assert master.get("silkfeed:sentinel-test:probe") == b"1"
    client.close()

    from shared.migrate import upgrade

    upgrade(settings.db_url)
    env = {
        "SILKFEED_REDIS_URL": url,
        "SILKFEED_REDIS_SENTINEL_MASTER": MASTER,
        "SILKFEED_DATABASE_URL": settings.db_url,
        "SILKFEED_NAMESPACE": "sentinel-test",
    }
    result = CliRunner().invoke(main, ["stats"], env=env)
    assert result.exit_code == 0, result.output
    assert "queues          ingest 1, rates 0, feed 0 waiting" in result.stdout
    master.close()


def test_a_managed_redis_over_tls_verifies_its_certificate() -> None:
    import ssl

    url = "rediss://:secret@redis.example.net:6380/0?ssl_cert_reqs=required"
    settings = Settings(redis_url=url, redis_sentinel_master="", database_url="sqlite://")
    # kombu (the broker) would skip verification without the parameter.
    conn = create_celery("t", settings).connection_for_write()
    assert conn.ssl == {"ssl_cert_reqs": ssl.CERT_REQUIRED}
    client = redis_client(url)
    kwargs = client.connection_pool.connection_kwargs
    assert kwargs["ssl_cert_reqs"] in ("required", ssl.CERT_REQUIRED)
    assert client.connection_pool.connection_class is redis.SSLConnection
