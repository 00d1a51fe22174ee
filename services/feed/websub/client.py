"""One bounded HTTP request to a checked callback address.

The connection goes to the address ``callbacks.resolve`` checked, with the
callback's own name in ``Host`` (and in TLS SNI and certificate checks).
Redirects are never followed: a 3xx is an answer like any other non-2xx, so a
callback cannot bounce the hub to a place it would have refused. The whole
exchange has one deadline, and at most ``max_body`` bytes of the answer are read.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from services.feed.websub.callbacks import Target

USER_AGENT = "silkfeed-websub/1"


class CallbackError(Exception):
    """The callback could not be reached, or did not answer in time."""


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes  # at most max_body bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class _Pinned(http.client.HTTPConnection):
    # ``held`` keeps the socket after http.client hands it to the response
    # (Connection: close), so each read can get the time left as its timeout.
    held: socket.socket | None = None

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = self.held = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    held: socket.socket | None = None

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address
        self._tls = ssl.create_default_context()

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self.held = self._tls.wrap_socket(sock, server_hostname=self.host)


def request(
    target: Target,
    method: str,
    *,
    path: str | None = None,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float,
    max_body: int = 64 * 1024,
) -> Answer:
    """Send one request; CallbackError when the callback cannot be reached in ``timeout``."""
    deadline = time.monotonic() + timeout
    cls = _PinnedTLS if target.scheme == "https" else _Pinned
    conn = cls(target, timeout)
    try:
        conn.request(
            method,
            path or target.path,
            body=body,
            headers={"User-Agent": USER_AGENT, "Connection": "close", **(headers or {})},
        )
        response = conn.getresponse()
        data = _read_bounded(conn, response, max_body, deadline)
        return Answer(response.status, data)
    except (OSError, http.client.HTTPException) as exc:
        raise CallbackError(f"{type(exc).__name__}: {exc}") from None
    finally:
        conn.close()


def _read_bounded(
    conn: _Pinned | _PinnedTLS,
    response: http.client.HTTPResponse,
    limit: int,
    deadline: float,
) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the callback's answer took too long")
        if conn.held is not None:
            conn.held.settimeout(remaining)
        chunk = response.read1(limit - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
