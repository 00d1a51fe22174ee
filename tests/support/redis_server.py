"""A private redis-server for tests, on a free port, that a test can stop and restart."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from cli.system import free_port, redis_answers


class RedisServer:
    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed; `make test` installs it")
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.started = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start on this server's port; a restart keeps it (and the append-only file).

        A first start whose free port another process took meanwhile (tests run
        in parallel) moves to another free port.
        """
        for _attempt in range(3):
            if self._start_once():
                self.started = True
                return
            if self.started or "Address already in use" not in self.log_tail(5):
                break
            self.port = free_port()
        raise RuntimeError(f"redis-server did not start on {self.port}: {self.log_tail(5)}")

    def _start_once(self) -> bool:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--dir",
                str(self.workdir),
                "--maxmemory-policy",
                "noeviction",
                "--logfile",
                str(self.log_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not redis_answers(self.url, 0.2):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()
                return False
            time.sleep(0.02)
        return True

    @property
    def log_path(self) -> Path:
        return self.workdir / "redis.log"

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None
