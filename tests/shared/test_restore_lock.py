"""A worker killed while it looks for unacknowledged messages holds up no other's
look for long: the lock it leaves behind expires within half a minute."""

from __future__ import annotations

import uuid

import redis
from kombu.transport.redis import Mutex

from shared.celery_app import create_celery
from shared.settings import Settings
from tests.support.redis_server import RedisServer


def test_a_killed_workers_restore_lock_expires_soon(redis_server: RedisServer, tmp_path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        redis_url=redis_server.url,
        ingest_tokens="t" * 24,  # type: ignore[arg-type]
        namespace=uuid.uuid4().hex[:10],
    )
    app = create_celery("restore-lock-test", settings)
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        client = redis.Redis.from_url(redis_server.url)
        # Taken as kombu's restore takes it, and never given back (the worker died).
        with Mutex(client, channel.unacked_mutex_key, channel.unacked_mutex_expire):
            left = client.ttl(channel.unacked_mutex_key)
            assert 0 < left <= 30
        client.close()
