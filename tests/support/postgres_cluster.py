"""A private PostgreSQL cluster for tests, when none answers at the test URL:
Debian's ``postgresql`` binaries, ``initdb`` in a temporary directory, a free
loopback port, trust authentication; stopped and removed at the end of the run."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from cli.system import free_port, postgres_server_program


class ClusterUnavailable(RuntimeError):
    """PostgreSQL's server programs are missing or the cluster would not start."""


def server_bindir() -> Path:
    """The directory of initdb and postgres (Debian keeps them off PATH)."""
    found = postgres_server_program("initdb")
    if found is None:
        raise ClusterUnavailable(
            "PostgreSQL's server is not installed (`make test` installs Debian's postgresql as root)"
        )
    return Path(found).resolve().parent


def _run_as() -> str | None:
    """The server refuses to run as root: run it as Debian's postgres user then."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise ClusterUnavailable("running as root and there is no `postgres` user") from None
    return "postgres"


class PostgresCluster:
    def __init__(self) -> None:
        self.bindir = server_bindir()
        self.user = _run_as()
        self.workdir = Path(tempfile.mkdtemp(prefix="silkfeed-pg-"))
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.version = ""

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def log_path(self) -> Path:
        return self.workdir / "postgres.log"

    def start(self, timeout: float = 60.0) -> PostgresCluster:
        data = self.workdir / "data"
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(self.workdir, entry.pw_uid, entry.pw_gid)
        init = subprocess.run(
            [
                *(str(self.bindir / "initdb"), "-D", str(data), "-U", "postgres"),
                *("-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"),
            ],
            user=self.user,
            capture_output=True,
            text=True,
            check=False,
        )
        if init.returncode != 0:
            raise ClusterUnavailable(f"initdb failed: {init.stderr.strip()[-500:]}")
        log = open(self.log_path, "ab")  # noqa: SIM115 - owned by the server process
        self.proc = subprocess.Popen(
            [
                *(str(self.bindir / "postgres"), "-D", str(data), "-p", str(self.port)),
                *("-c", "listen_addresses=127.0.0.1"),
                *("-c", f"unix_socket_directories={self.workdir}"),
                # A throw-away cluster: durability buys nothing, connections are many.
                *("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"),
                *("-c", "max_connections=300"),
            ],
            user=self.user,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(
                    host="127.0.0.1",
                    port=self.port,
                    user="postgres",
                    dbname="postgres",
                    connect_timeout=2,
                ) as conn:
                    self.version = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
                return self
            except psycopg.OperationalError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    tail = self.log_path.read_text(errors="replace")[-800:]
                    self.stop()
                    raise ClusterUnavailable(
                        f"the private PostgreSQL did not start: {tail}"
                    ) from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(2)  # SIGINT: PostgreSQL's fast shutdown
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, 9)
                self.proc.wait(10)
        self.proc = None
        shutil.rmtree(self.workdir, ignore_errors=True)
