"""A worker's heartbeat file: a cheap sign, for a container healthcheck, that it works.

The worker's main process rewrites the file every few seconds from a timer of
its own event loop, the loop that fetches messages and hands them to the pool.
So the file's age says whether that loop still turns: a healthcheck reads it
with `stat` instead of starting a Celery client and pinging the worker through
the broker (1-2 s of CPU each time). The file holds the main process's PID and
start time, so a check that finds it stale can kill that very process and let
the container's restart policy start a fresh worker (deploy/worker-health.sh).

The file exists only while the worker consumes: it is removed when the worker
starts (a file left by the container's previous run says nothing) and when it
begins a warm shutdown, so that a worker finishing its tasks after SIGTERM is
never taken for a stuck one. While the worker reconnects to the broker the
loop does not run and the file ages: a reconnection that does not succeed
within the healthcheck's limit ends with a fresh worker.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from celery import Celery, bootsteps, signals

log = logging.getLogger(__name__)

# Seconds between two writes; the healthcheck's limit is several of these.
HEARTBEAT_INTERVAL = 5.0


def process_start(pid: int | str = "self") -> str:
    """When the process started (clock ticks since boot, /proc/PID/stat field 22).

    PID and start time together name one process: after a container restart
    its /tmp still holds the previous run's file, and its new worker likely
    has the same small PID. Empty where there is no /proc.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return ""
    return stat.rsplit(")", 1)[1].split()[19]  # the fields after "(comm)" start at 3


def write_heartbeat(path: Path) -> None:
    """Replace the file atomically, so a reader never sees it empty."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(f"{os.getpid()} {process_start()}\n", encoding="ascii")
    tmp.replace(path)


def remove_heartbeat(path: Path) -> None:
    path.unlink(missing_ok=True)


class HeartbeatFile(bootsteps.StartStopStep):
    """Consumer bootstep: writes the heartbeat file while the consumer runs."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, c: Any, **kwargs: Any) -> None:
        super().__init__(c, **kwargs)
        self.path: Path | None = c.app.conf.get("silkfeed_heartbeat_file")
        self.tref: Any = None
        if self.path is not None:
            remove_heartbeat(self.path)

    def start(self, c: Any) -> None:
        if self.path is None:
            return
        self.beat()
        self.tref = c.timer.call_repeatedly(HEARTBEAT_INTERVAL, self.beat)

    def beat(self) -> None:
        assert self.path is not None
        try:
            write_heartbeat(self.path)
        except OSError:
            # A full or read-only disk: the file ages and the check reports it.
            log.warning("could not write the heartbeat file %s", self.path, exc_info=True)

    def stop(self, c: Any) -> None:
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None

    def shutdown(self, c: Any) -> None:
        self.stop(c)
        if self.path is not None:
            remove_heartbeat(self.path)


def install_heartbeat(app: Celery, path: Path | None) -> None:
    """Give the worker of ``app`` a heartbeat file at ``path`` (None: no file)."""
    if path is None:
        return
    app.conf.silkfeed_heartbeat_file = path
    app.steps["consumer"].add(HeartbeatFile)

    @signals.worker_shutting_down.connect(weak=False)
    def _stopping(**_: Any) -> None:
        # Sent from the SIGTERM/SIGINT handler, before the pool is drained.
        remove_heartbeat(path)
