"""Real service processes for tests, started from the Procfile's own commands."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from cli.procfile import read_procfile
from shared.migrate import ROOT


def service_env(overrides: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SILKFEED_")}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONUNBUFFERED"] = "1"
    env["SILKFEED_LOG_FORMAT"] = "json"
    env.update(overrides)
    return env


class ServiceProcess:
    """One Procfile process; its output goes to a log file the test can read."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path) -> None:
        commands = {p.name: p.argv for p in read_procfile()}
        self.name = name
        self.argv = list(commands[name])
        self.env = env
        self.log_path = log_dir / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.ready_file = Path(env["SILKFEED_RUN_DIR"]) / f"{name}.ready"

    def start(self) -> ServiceProcess:
        self.ready_file.unlink(missing_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - owned by the child
        self.proc = subprocess.Popen(
            self.argv,
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready_file.exists():
            if self.proc is None or self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} not ready after {timeout}s: {self.log_tail()}")
            time.sleep(0.05)

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def signal(self, sig: int) -> None:
        """Signal the main process only (as an orchestrator's stop does)."""
        assert self.proc is not None
        self.proc.send_signal(sig)

    def kill_group(self) -> None:
        """SIGKILL the process and every child (a pool's processes too)."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self, timeout: float = 30.0) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout)
        self.kill_group()
        return self.proc.returncode


def stop_all(procs: Iterable[ServiceProcess], timeout: float = 30.0) -> None:
    """Stop processes together: all are sent SIGTERM before any is waited for."""
    procs = [p for p in procs if p.proc is not None]
    for proc in procs:
        if proc.proc is not None and proc.proc.poll() is None:
            proc.proc.terminate()
    deadline = time.monotonic() + timeout
    for proc in procs:
        assert proc.proc is not None
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.proc.wait(max(0.1, deadline - time.monotonic()))
        proc.kill_group()
