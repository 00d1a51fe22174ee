"""The worker heartbeat file and the container healthcheck that reads it.

A real worker writes the file with its main PID and keeps it fresh; it removes
it on a warm shutdown; a stopped (stuck) worker's file goes stale and the
healthcheck kills it. The script is also run against files made by hand.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from shared.heartbeat import HEARTBEAT_INTERVAL, process_start
from shared.migrate import ROOT
from shared.settings import Settings
from tests.conftest import make_settings, settings_env
from tests.support.processes import ServiceProcess
from tests.support.redis_server import RedisServer
from tests.support.waiting import wait_for

CHECK = ROOT / "deploy" / "worker-health.sh"


@pytest.fixture
def settings(redis_server: RedisServer, tmp_path: Path) -> Settings:
    """One backend is enough: the heartbeat never touches the database."""
    return make_settings(f"sqlite:///{tmp_path / 'silkfeed.db'}", redis_server.url, tmp_path)


def check(path: Path, max_age: int | None = None) -> subprocess.CompletedProcess[str]:
    args = [str(CHECK)] + ([str(max_age)] if max_age is not None else [])
    return subprocess.run(
        args,
        env={**os.environ, "SILKFEED_HEARTBEAT_FILE": str(path)},
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )


def heartbeat_worker(
    settings: Settings, tmp_path: Path, name: str = "rates-worker"
) -> tuple[ServiceProcess, Path]:
    path = tmp_path / "heartbeat"
    env = {**settings_env(settings), "SILKFEED_HEARTBEAT_FILE": str(path)}
    return ServiceProcess(name, env, tmp_path).start(), path


def written_by(path: Path, pid: int) -> bool:
    try:
        return path.read_text() == f"{pid} {process_start(pid)}\n"
    except FileNotFoundError:
        return False


@pytest.mark.timeout(120)
# A prefork pool and a thread pool: the timer runs in the main process either way.
@pytest.mark.parametrize("name", ["rates-worker", "websub-worker"])
def test_a_worker_keeps_its_heartbeat_fresh_and_a_stopped_one_is_killed(
    settings: Settings, tmp_path: Path, name: str
) -> None:
    worker, path = heartbeat_worker(settings, tmp_path, name)
    try:
        assert worker.proc is not None
        wait_for(lambda: written_by(path, worker.proc.pid), 60, what="first heartbeat")
        first = path.stat().st_mtime
        wait_for(
            lambda: path.stat().st_mtime > first,
            HEARTBEAT_INTERVAL * 4,
            what="a second heartbeat",
        )
        ok = check(path)
        assert ok.returncode == 0, ok.stdout
        assert "heartbeat" in ok.stdout

        worker.proc.send_signal(signal.SIGSTOP)  # the event loop stops turning
        time.sleep(3)
        stale = check(path, max_age=1)
        assert stale.returncode == 1
        assert f"killed the worker's main process {worker.proc.pid}" in stale.stdout
        assert worker.proc.wait(10) == -signal.SIGKILL
    finally:
        worker.stop()


@pytest.mark.timeout(120)
def test_a_warm_shutdown_removes_the_heartbeat(settings: Settings, tmp_path: Path) -> None:
    worker, path = heartbeat_worker(settings, tmp_path)
    try:
        assert worker.proc is not None
        wait_for(lambda: written_by(path, worker.proc.pid), 60, what="first heartbeat")
        worker.proc.send_signal(signal.SIGTERM)
        # Gone before the worker exits: a worker finishing its tasks is not stuck.
        assert worker.proc.wait(60) == 0
        assert not path.exists()
        missing = check(path, max_age=0)
        assert missing.returncode == 1 and "no heartbeat file" in missing.stdout
    finally:
        worker.stop()


def test_a_file_left_by_an_earlier_run_is_removed_at_start(
    settings: Settings, tmp_path: Path
) -> None:
    """After a container restart its /tmp still holds the old file and PID."""
    path = tmp_path / "heartbeat"
    path.write_text("12345 678\n")
    os.utime(path, (time.time() - 3600,) * 2)
    worker, path = heartbeat_worker(settings, tmp_path)
    try:
        assert worker.proc is not None
        wait_for(lambda: written_by(path, worker.proc.pid), 60, what="the worker's own heartbeat")
    finally:
        worker.stop()


def test_the_check_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "heartbeat"
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        # No file: starting or stopping, never killed.
        assert check(path).returncode == 1
        path.write_text(f"{sleeper.pid} {process_start(sleeper.pid)}\n")
        fresh = check(path, max_age=30)
        assert fresh.returncode == 0 and sleeper.poll() is None
        os.utime(path, (time.time() - 20,) * 2)
        assert check(path, max_age=30).returncode == 0
        # Stale, but another process by that PID (as after a container restart).
        path.write_text(f"{sleeper.pid} {int(process_start(sleeper.pid)) - 1}\n")
        os.utime(path, (time.time() - 31,) * 2)
        other = check(path, max_age=30)
        assert other.returncode == 1 and "no longer running" in other.stdout
        assert sleeper.poll() is None
        # Stale, and that very process: killed.
        path.write_text(f"{sleeper.pid} {process_start(sleeper.pid)}\n")
        os.utime(path, (time.time() - 31,) * 2)
        stale = check(path, max_age=30)
        assert stale.returncode == 1 and "killed" in stale.stdout
        assert sleeper.wait(5) == -signal.SIGKILL
        # A stale file without a PID is reported, and nothing is killed.
        path.write_text("\n")
        os.utime(path, (time.time() - 60,) * 2)
        garbled = check(path)
        assert garbled.returncode == 1 and "without a PID" in garbled.stdout
    finally:
        sleeper.kill()
        sleeper.wait()


def test_process_start_names_one_process() -> None:
    me = process_start()
    assert me.isdigit() and me == process_start(os.getpid())
    child = subprocess.Popen(["sleep", "5"])
    try:
        assert process_start(child.pid).isdigit()
        assert int(process_start(child.pid)) >= int(me)
    finally:
        child.kill()
        child.wait()
    assert process_start(child.pid) == ""  # reaped: no such process
