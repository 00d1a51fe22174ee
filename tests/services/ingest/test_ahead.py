"""The next page's id made ahead: handed out once, and never by two processes."""

from __future__ import annotations

import os

from services.ingest.ahead import Ahead


def _build(sid: str) -> tuple[str, str]:
    return "queue", f"message for {sid}"


def test_the_id_made_ahead_is_handed_out_once_with_its_message() -> None:
    ahead = Ahead()
    ahead.fill(_build)
    assert ahead.ready
    sid = ahead.new_id()
    assert ahead.message(sid) == ("queue", f"message for {sid}")
    assert ahead.message(sid) is None  # taken once
    assert ahead.new_id() != sid  # none ready: a fresh one


def test_a_forked_child_never_hands_out_the_parents_id() -> None:
    ahead = Ahead()
    ahead.fill(_build)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report the id it would give its first page
        try:
            os.write(write, ahead.new_id().encode())
        finally:
            os._exit(0)
    os.close(write)
    child_id = os.read(read, 64).decode()
    os.close(read)
    os.waitpid(pid, 0)
    parent_id = ahead.new_id()
    assert len(child_id) == 32
    assert child_id != parent_id
    assert ahead.message(parent_id) is not None
