"""The hub form's body, read so that slow clients cannot hold the feed service's threads.

The feed service is a WSGI application on granian, whose few threads per process
(``cli.serve``) serve feeds; granian has no timeout for a request body, and a
read of ``wsgi.input`` waits in the calling thread until the bytes come or the
client leaves. A hub client trickling its form would so hold a thread for as
long as it liked, and a dozen of them every thread.

So at most ``slots`` bodies per process are read at any time, fewer than the
threads: one more is answered ``503`` at once rather than queued, and slow
clients can crowd the hub out, never the feeds. The read is not cut off at a
deadline: a read cannot be abandoned (a request answered while another thread
still waits in its ``wsgi.input.read`` stalls the whole granian worker process
until that client leaves), and the declared length is capped small
(``MAX_FORM_BYTES``), so a reader is held only by a client that keeps its
connection open on purpose.
"""

from __future__ import annotations

import threading
from typing import IO
from urllib.parse import parse_qsl

from shared.problems import Problem

# The body may be left unread: the connection cannot carry another request.
CLOSE = {"Connection": "close"}
RETRY_AFTER = "5"


class FormReader:
    """Reads hub form bodies, at most ``slots`` at once in a process."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self._free = threading.BoundedSemaphore(slots)

    def read(self, stream: IO[bytes], length: int) -> bytes:
        """The ``length`` bytes of the body, or a Problem: 503 (every slot busy),
        400 (the body ended short)."""
        if not self._free.acquire(blocking=False):
            raise Problem(
                503,
                "the hub is reading as many subscription requests as it takes at once; "
                "try again shortly",
                kind="hub-busy",
                headers={"Retry-After": RETRY_AFTER, **CLOSE},
            )
        try:
            body = stream.read(length)
        finally:
            self._free.release()
        if len(body) != length:
            raise Problem(400, "the body ended before its Content-Length", headers=CLOSE)
        return body


def form_fields(body: bytes) -> dict[str, str]:
    """The form's fields, the first value of each name (as WebSub reads them)."""
    fields: dict[str, str] = {}
    text = body.decode("utf-8", "replace")
    for name, value in parse_qsl(text, keep_blank_values=True, errors="replace"):
        fields.setdefault(name, value)
    return fields
