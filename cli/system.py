"""Finding, installing and starting what the stack needs from the system."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path

import redis

from shared.redis_client import redis_client


class MissingTool(RuntimeError):
    """A system program is missing and cannot be installed here; says what to install."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def redis_answers(url: str, timeout: float = 1.0, sentinel_master: str = "") -> bool:
    try:
        client = redis_client(
            url,
            sentinel_master=sentinel_master,
            socket_connect_timeout=timeout,
            socket_timeout=timeout,
        )
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError):
        return False


_apt_updated = False


def postgres_server_program(program: str = "initdb") -> str | None:
    """A PostgreSQL server program: on PATH, or in Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which(program)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{program}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return str(candidates[-1]) if candidates else None


def python_headers(header: str = "Python.h") -> str | None:
    """This Python's C header ``header``, where its headers are installed."""
    path = Path(sysconfig.get_path("include")) / header
    return str(path) if path.exists() else None


def c_headers(header: str = "stdio.h") -> str | None:
    """The C library's header ``header``, where the system keeps it."""
    path = Path("/usr/include") / header
    return str(path) if path.exists() else None


def ensure_program(
    program: str,
    debian_package: str,
    *,
    purpose: str,
    locate: Callable[[str], str | None] = shutil.which,
) -> str:
    """Path of ``program``; installs Debian's package when missing and we are root."""
    found = locate(program)
    if found:
        return found
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if not is_root or not shutil.which("apt-get"):
        raise MissingTool(
            f"{program} is needed for {purpose} but is not installed; install it, "
            f"e.g. `sudo apt-get install {debian_package}`"
        )
    global _apt_updated
    print(f"silkfeed: installing {debian_package} (for {purpose}) with apt-get…", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not _apt_updated:
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        _apt_updated = True
    result = subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", debian_package],
        env=env,
        check=False,
    )
    found = locate(program)
    if result.returncode != 0 or not found:
        raise MissingTool(f"could not install {debian_package}; install it by hand for {purpose}")
    return found


def start_private_redis(
    data_dir: Path, *, persistent: bool = True
) -> tuple[subprocess.Popen[bytes], str]:
    """Start a redis-server of our own on a free loopback port; returns it and its URL."""
    binary = ensure_program("redis-server", "redis-server", purpose="the message broker")
    port = free_port()
    workdir = data_dir / "redis"
    workdir.mkdir(parents=True, exist_ok=True)
    argv = [
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(workdir.resolve()),
        "--save",
        "",
        "--maxmemory-policy",
        "noeviction",
        "--protected-mode",
        "yes",
    ]
    # The append-only file keeps queued tasks across restarts of the stack.
    argv += ["--appendonly", "yes" if persistent else "no"]
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if redis_answers(url, 0.2):
            return proc, url
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise MissingTool(f"redis-server did not start on port {port}")
