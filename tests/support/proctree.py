"""Process look-ups from /proc (Linux): a Celery worker's pool children, a
process group's CPU time. The tests and the benchmarks read /proc through here."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def processes() -> Iterator[tuple[int, list[str]]]:
    """Every process with the fields of its ``/proc/PID/stat`` after the command name.

    "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so
    the fields start after the last ")"; index 0 is field 3 of proc(5) (state).
    """
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it exited meanwhile
        yield int(entry.name), stat[stat.rindex(")") + 2 :].split()


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` that are still alive (not zombies)."""
    return sorted(p for p, f in processes() if int(f[1]) == pid and f[0] != "Z")


def cpu_seconds_of_group(pgid: int) -> float:
    """User + system CPU of every live process in a process group (a service and its pool)."""
    ticks = sum(int(f[11]) + int(f[12]) for _, f in processes() if int(f[2]) == pgid)
    return ticks / CLOCK_TICKS


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    try:
        text = stat.read_text()
    except OSError:
        return False
    return text[text.rindex(")") + 2] != "Z"


def with_environment(name: str, value: str) -> list[int]:
    """Pids of live processes whose environment has ``name=value``."""
    wanted = f"{name}={value}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if wanted in environ.split(b"\0") and alive(int(entry.name)):
            pids.append(int(entry.name))
    return pids
