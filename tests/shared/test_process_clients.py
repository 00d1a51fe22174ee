"""Per-process Redis clients: one per set of options, and new ones in a forked child."""

from __future__ import annotations

import os

from shared.redis_client import ProcessClients
from shared.settings import Settings


def test_one_client_per_options_and_per_process() -> None:
    clients = ProcessClients(Settings(database_url="sqlite://", redis_url="redis://127.0.0.1:9/0"))
    first = clients.get(socket_timeout=2)
    assert clients.get(socket_timeout=2) is first
    assert clients.get(socket_timeout=10) is not first
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child must not reuse the parent's client (and its socket)
        os.write(write, b"1" if clients.get(socket_timeout=2) is not first else b"0")
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 1) == b"1"
    assert clients.get(socket_timeout=2) is first
