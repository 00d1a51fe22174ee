"""Restarting the stack's processes the way an init system would.

A process that exits while the stack runs is started again after a delay that
doubles with each quick crash (``SILKFEED_RESTART_DELAY``, 1 s by default, at
most 30 s), like systemd's ``Restart=on-failure`` with a start limit. After
``SILKFEED_RESTART_GIVE_UP`` quick crashes in a row (each less than two minutes
after its start) the supervisor gives up on that process alone, says so, and
keeps the rest of the stack running.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import redis

from shared.process_restarts import ProcessRestarts
from shared.redis_client import redis_client
from shared.settings import Settings

MAX_DELAY = 30.0
# A process that ran this long before it exited was working: its next crash
# starts a fresh streak with the initial delay.
QUICK_CRASH = 120.0


def describe_exit(code: int) -> str:
    """``status 1`` or ``signal 9 (SIGKILL)``, as Popen's return code says."""
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"signal {-code} ({signal.Signals(-code).name})"
        return f"signal {-code}"
    return f"status {code}"


@dataclass
class Streak:
    crashes: int = 0
    delay: float = 0.0


@dataclass
class RestartPolicy:
    """Decides, for each exit, how long to wait before the restart, or to give up."""

    delay: float = 1.0
    give_up_after: int = 5
    max_delay: float = MAX_DELAY
    quick: float = QUICK_CRASH
    streaks: dict[str, Streak] = field(default_factory=dict)

    def on_exit(self, name: str, uptime: float) -> float | None:
        """Seconds to wait before restarting ``name``; None means give up on it."""
        streak = self.streaks.setdefault(name, Streak())
        if uptime >= self.quick:
            # Not a quick crash: the streak ends, and a crash after this restart
            # is the first of a new one.
            streak.crashes, streak.delay = 0, 0.0
            return self.delay
        streak.crashes += 1
        if streak.crashes >= self.give_up_after:
            return None
        streak.delay = self.delay if streak.delay == 0 else min(streak.delay * 2, self.max_delay)
        return streak.delay

    def crashes(self, name: str) -> int:
        return self.streaks.get(name, Streak()).crashes


class Supervised(Protocol):
    """What the restarter needs of the stack's supervisor."""

    def say(self, name: str, line: str, index: int = 5) -> None: ...
    def restart(self, name: str) -> None: ...
    def exits(self) -> list[tuple[str, int]]: ...
    def names(self) -> list[str]: ...


class Restarter:
    """Watches the supervisor's processes; call ``tick`` a few times a second."""

    def __init__(
        self,
        sup: Supervised,
        policy: RestartPolicy,
        record: ProcessRestarts | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sup = sup
        self.policy = policy
        self.record = record
        self.clock = clock
        self.started: dict[str, float] = {}
        self.due: dict[str, tuple[float, str]] = {}
        self.given_up: set[str] = set()

    def started_now(self, name: str) -> None:
        self.started[name] = self.clock()

    def tick(self) -> None:
        now = self.clock()
        for name, code in self.sup.exits():
            if name in self.given_up or name in self.due:
                continue
            self._exited(name, code, now)
        for name, (when, status) in list(self.due.items()):
            if now >= when:
                del self.due[name]
                self.sup.restart(name)
                self.started[name] = self.clock()
                self.sup.say("stack", f"{name} restarted (it had exited with {status})")
                self._store(lambda r, n=name, s=status: r.restarted(n, s))

    def _exited(self, name: str, code: int, now: float) -> None:
        status = describe_exit(code)
        uptime = now - self.started.get(name, now)
        delay = self.policy.on_exit(name, uptime)
        crashes = self.policy.crashes(name)
        if delay is None:
            self.given_up.add(name)
            message = (
                f"{name} exited with {status} after {uptime:.1f}s, {crashes} quick crashes "
                f"in a row; giving up on {name} (the rest of the stack keeps running; "
                "fix the cause, then restart the stack)"
            )
            self.sup.say("stack", message)
            self._store(lambda r: r.gave_up(name, status))
            return
        if crashes:
            why = f"quick crash {crashes} of {self.policy.give_up_after} before giving up"
        else:
            why = f"it ran {self.policy.quick:g}s or more: not a quick crash"
        message = (
            f"{name} exited with {status} after {uptime:.1f}s; restarting it in {delay:.1f}s "
            f"({why})"
        )
        self.sup.say("stack", message)
        self.due[name] = (now + delay, status)

    def _store(self, write: Callable[[ProcessRestarts], None]) -> None:
        if self.record is None:
            return
        try:
            write(self.record)
        except (redis.RedisError, OSError) as exc:
            # The figures are for operators; a Redis outage must not stop restarts.
            self.sup.say("stack", f"could not record the restart in Redis: {exc}")


def kill_leftovers(pid: int) -> None:
    """SIGKILL what is left of a dead process's group (a Celery worker's pool children)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def watch(sup: Supervised, settings: Settings, redis_url: str) -> Restarter:
    """Restart what exits from now on, and count restarts in Redis for stats and metrics."""
    record = None
    try:
        client = redis_client(
            redis_url,
            sentinel_master=settings.redis_sentinel_master,
            socket_timeout=1.0,
            socket_connect_timeout=1.0,
        )
        record = ProcessRestarts(client, settings.key_prefix)
        record.reset([n for n in sup.names() if n != "redis"])
    except (redis.RedisError, OSError) as exc:
        sup.say("stack", f"restarts will not be counted in Redis: {exc}")
    policy = RestartPolicy(delay=settings.restart_delay, give_up_after=settings.restart_give_up)
    restarter = Restarter(sup, policy, record)
    for name in sup.names():
        restarter.started_now(name)
    return restarter
