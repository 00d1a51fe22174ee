"""Restarts of the stack's processes, kept in Redis by the supervisor of
``silkfeed stack`` so that ``/metrics`` and ``silkfeed stats`` show them from
any process: how often each service was restarted, and which ones it gave up on."""

from __future__ import annotations

from dataclasses import dataclass

import redis


@dataclass
class ServiceRestarts:
    restarts: int = 0
    given_up: bool = False
    last_status: str = ""


class ProcessRestarts:
    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client = client
        self.key = f"{prefix}metrics:restarts"

    def reset(self, services: list[str]) -> None:
        """A new supervisor starts every service afresh: zero restarts, none given up."""
        pipe = self.client.pipeline(transaction=True)
        pipe.delete(self.key)
        for name in services:
            pipe.hset(self.key, f"{name}|restarts", 0)
            pipe.hset(self.key, f"{name}|given_up", 0)
        pipe.execute()

    def restarted(self, service: str, status: str) -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.hincrby(self.key, f"{service}|restarts", 1)
        pipe.hset(self.key, f"{service}|last_status", status)
        pipe.execute()

    def gave_up(self, service: str, status: str) -> None:
        self.client.hset(
            self.key, mapping={f"{service}|given_up": 1, f"{service}|last_status": status}
        )

    def read(self) -> dict[str, ServiceRestarts]:
        out: dict[str, ServiceRestarts] = {}
        for raw_key, raw_value in self.client.hgetall(self.key).items():
            service, _, field = raw_key.decode().partition("|")
            entry, value = out.setdefault(service, ServiceRestarts()), raw_value.decode()
            if field == "restarts":
                entry.restarts = int(value)
            elif field == "given_up":
                entry.given_up = value == "1"
            elif field == "last_status":
                entry.last_status = value
        return dict(sorted(out.items()))
