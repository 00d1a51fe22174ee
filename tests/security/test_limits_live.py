"""The body limit on the real server (granian, as `make run` starts it): a body
over SILKFEED_MAX_BODY_BYTES is answered 413 before it has been sent, declared
or streamed."""

from __future__ import annotations

import socket

from tests.conftest import TOKEN
from tests.faults.stack import Stack

LIMIT = 64 * 1024


def status_before_the_body_ends(base: str, head: bytes, partial_body: bytes) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head + partial_body)
        return sock.makefile("rb").readline()


def test_oversized_bodies_are_413_without_being_read(stack: Stack) -> None:
    stack.env["SILKFEED_MAX_BODY_BYTES"] = str(LIMIT)
    stack.start_api()
    head = (
        f"POST /v1/submissions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
        "Content-Type: text/plain\r\n"
    ).encode()
    declared = status_before_the_body_ends(
        stack.ingest_url, head + b"Content-Length: 10737418240\r\n\r\n", b"a" * 1024
    )
    assert declared.startswith(b"HTTP/1.1 413"), declared
    chunk = b"a" * 8192
    over = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(LIMIT // 8192 + 1))
    streamed = status_before_the_body_ends(
        stack.ingest_url, head + b"Transfer-Encoding: chunked\r\n\r\n", over
    )
    assert streamed.startswith(b"HTTP/1.1 413"), streamed
    # Exactly at the limit is still a page.
    at_limit = b"Title\n\n" + b"a" * (LIMIT - 7)
    body = b"".join(
        b"%x\r\n%s\r\n" % (len(part), part)
        for part in (at_limit[i : i + 8192] for i in range(0, LIMIT, 8192))
    )
    accepted = status_before_the_body_ends(
        stack.ingest_url, head + b"Transfer-Encoding: chunked\r\n\r\n", body + b"0\r\n\r\n"
    )
    assert accepted.startswith(b"HTTP/1.1 202"), accepted
