"""The supervisor's restart policy, and a supervisor restarting real processes
until it gives up on one that keeps crashing."""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

import redis

from cli.restarts import Restarter, RestartPolicy, describe_exit
from cli.stack import Supervisor
from shared.process_restarts import ProcessRestarts
from shared.settings import Settings
from tests.support.redis_server import RedisServer


def test_delay_doubles_to_a_ceiling_and_gives_up_after_quick_crashes() -> None:
    policy = RestartPolicy(delay=1.0, give_up_after=5)
    assert [policy.on_exit("w", 2.0) for _ in range(4)] == [1.0, 2.0, 4.0, 8.0]
    assert policy.on_exit("w", 2.0) is None  # the fifth quick crash in a row
    assert policy.crashes("w") == 5

    capped = RestartPolicy(delay=4.0, give_up_after=100)
    delays = [capped.on_exit("w", 1.0) for _ in range(6)]
    assert delays == [4.0, 8.0, 16.0, 30.0, 30.0, 30.0]


def test_a_process_that_ran_a_while_starts_a_fresh_streak() -> None:
    policy = RestartPolicy(delay=1.0, give_up_after=3)
    assert policy.on_exit("w", 1.0) == 1.0
    assert policy.on_exit("w", 1.0) == 2.0
    # Up for five minutes: this exit is no quick crash and ends the streak.
    assert policy.on_exit("w", 300.0) == 1.0
    assert policy.crashes("w") == 0
    assert policy.on_exit("w", 1.0) == 1.0  # the first quick crash of a new streak
    assert policy.crashes("w") == 1
    assert policy.on_exit("other", 1.0) == 1.0  # streaks are per process


def test_a_long_run_exit_is_not_logged_as_a_quick_crash() -> None:
    class Sup:
        def __init__(self) -> None:
            self.said: list[str] = []

        def say(self, name: str, line: str, index: int = 5) -> None:
            self.said.append(line)

        def restart(self, name: str) -> None: ...

        def exits(self) -> list[tuple[str, int]]:
            return [("w", -9)]

        def names(self) -> list[str]:
            return ["w"]

    now = [0.0]
    sup = Sup()
    restarter = Restarter(sup, RestartPolicy(delay=1.0), None, clock=lambda: now[0])
    restarter.started_now("w")
    now[0] = 472.0
    restarter.tick()
    assert sup.said == [
        "w exited with signal 9 (SIGKILL) after 472.0s; restarting it in 1.0s "
        "(it ran 120s or more: not a quick crash)"
    ]


def test_exit_descriptions() -> None:
    assert describe_exit(1) == "status 1"
    assert describe_exit(-9) == "signal 9 (SIGKILL)"


def test_supervisor_restarts_then_gives_up_and_records_it(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, redis_url=redis_server.url)
    out = io.StringIO()
    sup = Supervisor(settings, out)
    crash = [sys.executable, "-c", "import sys; print('crashing'); sys.exit(3)"]
    steady = [sys.executable, "-c", "import time; time.sleep(60)"]
    sup.start("crasher", crash, None, 0)
    sup.start("steady", steady, None, 1)
    record = ProcessRestarts(redis.Redis.from_url(redis_server.url), "t:restarts:")
    record.reset(["crasher", "steady"])
    restarter = Restarter(sup, RestartPolicy(delay=0.05, give_up_after=4), record)
    for name in sup.names():
        restarter.started_now(name)
    try:
        deadline = time.monotonic() + 60
        while "crasher" not in restarter.given_up:
            assert time.monotonic() < deadline, out.getvalue()
            restarter.tick()
            time.sleep(0.02)
        given_up_pid = sup.children["crasher"].pid
        for _ in range(20):  # no further restarts once given up
            restarter.tick()
            time.sleep(0.02)
        assert sup.children["crasher"].pid == given_up_pid
        assert sup.children["steady"].poll() is None  # the rest keeps running
    finally:
        sup.stop_all(grace=5)
    log = out.getvalue()
    assert log.count("crasher exited with status 3") == 4
    assert log.count("crasher restarted (it had exited with status 3)") == 3
    assert "giving up on crasher" in log
    assert "steady exited" not in log
    figures = record.read()
    assert figures["crasher"].restarts == 3
    assert figures["crasher"].given_up
    assert figures["crasher"].last_status == "status 3"
    assert (figures["steady"].restarts, figures["steady"].given_up) == (0, False)
