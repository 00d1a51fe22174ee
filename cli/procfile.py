"""Reading the Procfile: the one list of the stack's processes and their commands."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from shared.migrate import ROOT

PROCFILE = ROOT / "Procfile"
MIGRATE_COMMAND = ("silkfeed", "db", "upgrade")


@dataclass(frozen=True, slots=True)
class Process:
    name: str
    argv: tuple[str, ...]


def read_procfile(path: Path = PROCFILE) -> list[Process]:
    processes = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, _, command = line.partition(":")
        processes.append(Process(name.strip(), tuple(shlex.split(command))))
    return processes
