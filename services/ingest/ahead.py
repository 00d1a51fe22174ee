"""The next accepted page's id and its task's message, made before the page comes.

Building a task's message (``shared.task_messages``) costs about as much as the
round trip that sends it. The outbox relay's thread builds the next page's
message in a quiet moment, for an id chosen then; the request that stores a
page takes that id, and its send (``Outbox.send_now``) pushes the message as
built. The message is the one a build at send time would make, but for the
task id drawn earlier. An id handed to a page that turns out to be stored
already (a repeated post) is never sent: its message is dropped in time.
An id made before a fork is never handed out by the child: two processes
would give it to two different pages.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable

Message = tuple[str, str]

# Messages kept for ids handed out and not sent yet (pages being stored).
HANDED_KEPT = 16


class Ahead:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: tuple[str, Message] | None = None
        self._pid = os.getpid()  # the process the id in ``_next`` was made in
        self._handed: OrderedDict[str, Message] = OrderedDict()

    @property
    def ready(self) -> bool:
        return self._next is not None

    def fill(self, build: Callable[[str], Message]) -> None:
        """Make the next id and its message with ``build``, unless one is ready."""
        if self._next is not None:
            return
        sid = uuid.uuid4().hex
        message = build(sid)
        with self._lock:
            self._next, self._pid = (sid, message), os.getpid()

    def new_id(self) -> str:
        """The id for a page about to be stored: the one made ahead, else a new one."""
        with self._lock:
            ready, self._next = self._next, None
            if ready is None or self._pid != os.getpid():
                return uuid.uuid4().hex
            self._handed[ready[0]] = ready[1]
            while len(self._handed) > HANDED_KEPT:
                self._handed.popitem(last=False)
            return ready[0]

    def message(self, submission_id: str) -> Message | None:
        """The message made ahead for this id (once), or None."""
        with self._lock:
            return self._handed.pop(submission_id, None)
