"""A guard around kombu's Redis transport for a broker connection that is gone.

When a worker's broker connection drops, Celery closes it, and kombu clears the
transport's back-reference to the connection (``Transport.client = None``).
Anything that later asks that transport's channel for a Redis client — putting
a dead pool child's message back, restoring unacknowledged messages when the
channel or its QoS is collected — builds connection parameters from
``self.connection.client.hostname`` and dies with ``AttributeError: 'NoneType'
object has no attribute 'hostname'``. Celery treats an AttributeError as a bug,
not a connection error, and the worker's main process exits ("Unrecoverable
error"). Reported upstream as https://github.com/celery/kombu/issues/582 and
https://github.com/celery/kombu/issues/970; kombu 5.7.0 (the newest release)
still builds the parameters this way (``Channel._connparams``).

The guard turns that case into what it is — a broker connection error, which
Celery already handles by logging and reconnecting — and leaves the messages
the closed channel held where they are: in Redis's unacknowledged set, from
which any worker restores them once the visibility timeout has passed. So a
message is neither lost nor handed out twice while its first delivery may
still be running.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import redis
from kombu.transport import redis as kombu_redis

log = logging.getLogger(__name__)

_INSTALLED = "_silkfeed_broker_guard"


class BrokerConnectionClosed(redis.ConnectionError):
    """The channel's broker connection was closed; a new one must be made."""


def _connection_closed(channel: Any) -> bool:
    transport = getattr(channel, "connection", None)
    return transport is None or getattr(transport, "client", None) is None


def install() -> None:
    """Wrap the two kombu methods once per process (idempotent)."""
    channel_cls = kombu_redis.Channel
    if getattr(channel_cls, _INSTALLED, False):
        return
    original_connparams = channel_cls._connparams
    original_restore = kombu_redis.QoS.restore_unacked

    @functools.wraps(original_connparams)
    def _connparams(self: Any, asynchronous: bool = False) -> dict[str, Any]:
        if _connection_closed(self):
            raise BrokerConnectionClosed("the broker connection of this channel was closed")
        return dict(original_connparams(self, asynchronous=asynchronous))

    @functools.wraps(original_restore)
    def restore_unacked(self: Any, client: Any = None) -> Any:
        channel = self.channel
        if (
            client is None
            and getattr(channel, "_pool", None) is None
            and _connection_closed(channel)
        ):
            if held := len(self._delivered):
                log.warning(
                    "broker connection closed with %d unacknowledged message(s); "
                    "Redis hands them out again after the visibility timeout",
                    held,
                )
            self._delivered.clear()
            return None
        return original_restore(self, client)

    channel_cls._connparams = _connparams  # type: ignore[method-assign]
    kombu_redis.QoS.restore_unacked = restore_unacked  # type: ignore[method-assign]
    setattr(channel_cls, _INSTALLED, True)
