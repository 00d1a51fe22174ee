"""The ingest API's ASGI front: request bodies are read on the event loop, under
a deadline and a size cap, and the Flask application runs in a small thread
pool only with a complete body in hand.

The server (granian) bounds the time a client takes to send its request
header, but has no timeout for the body; a WSGI application reading
``wsgi.input`` waits in its thread for as long as a client trickles. Here a
request with a body goes through three steps:

1. preflight: the application runs once with the body withheld (the environ
   carries ``PREFLIGHT``). A route that wants the body makes every check it
   can without it (token, rate limit, media type, declared length) and answers
   ``100``; any other answer (401, 413, 429, 404 ...) is final and is sent at
   once, the body unread and the connection closed.
2. the body is read with awaited reads: it must be complete within
   ``timeout`` seconds, keep arriving at ``min_rate`` bytes a second after the
   first ``grace`` seconds, and stay within ``max_bytes``; otherwise the client
   gets a 408 or 413 problem document and the connection is closed. A slow
   client costs a socket and a coroutine, never a thread.
3. the application runs again with the whole body (the environ carries
   ``ADMITTED``, so the rate limit is not charged twice).

Requests without a body skip steps 1 and 2. Requests a ``direct`` object
serves (services.ingest.direct: posting a page, reading its status) skip the
WSGI application: it makes the same steps with plain functions, the body
read by ``read``. The access log (secrets masked,
``/healthz`` quiet) is written here, so it covers every answer, including
those the application never sees.

Work that must follow an answer but need not delay it (an accepted page's
kick to the outbox relay, whose publishing thread would otherwise compete
for the interpreter with the answer being sent) is appended by the
application to the environ's ``AFTER_RESPONSE`` list; the front calls each
callable on its event loop once the answer is sent, or the client gone. They
must not block.
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from services.ingest.wsgi_bridge import Answer, Scope, WSGIApp, build_environ, call_wsgi
from services.ingest.wsgi_bridge import header_value as header
from shared.access_log import QUIET_PATHS, mask_query
from shared.http_limits import problem_bytes
from shared.metrics import HTTP_RESPONSES
from shared.problems import PROBLEM_MEDIA_TYPE

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

PREFLIGHT = "silkfeed.preflight"
ADMITTED = "silkfeed.admitted"
AFTER_RESPONSE = "silkfeed.after_response"
CONTINUE = 100
access_log = logging.getLogger("silkfeed.access")
error_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BodyLimits:
    max_bytes: int
    timeout: float
    min_rate: int
    grace: float = 2.0

    def due(self, start: float, received: int) -> float:
        """When the body must be complete, or have grown past ``received`` bytes."""
        due = start + self.timeout
        if self.min_rate:
            due = min(due, start + self.grace + received / self.min_rate)
        return due


def problem_answer(status: int, detail: str, kind: str, **extra: Any) -> Answer:
    body = problem_bytes(status, detail, kind, **extra)
    headers = [("Content-Type", PROBLEM_MEDIA_TYPE), ("Content-Length", str(len(body)))]
    return closing(Answer(status, headers, body))


def closing(answer: Answer) -> Answer:
    """The answer, with the connection closed after it (a body may be left unread)."""
    if answer.header("connection") is None:
        answer.headers.append(("Connection", "close"))
    return answer


def too_slow(limits: BodyLimits) -> Answer:
    rate = f", at {limits.min_rate} bytes a second after its first {limits.grace:g} s"
    return problem_answer(
        408,
        f"the request body did not arrive in time: it must be complete within "
        f"{limits.timeout:g} s{rate if limits.min_rate else ''}",
        "request-timeout",
        timeout=limits.timeout,
        min_rate=limits.min_rate,
    )


def too_large(limits: BodyLimits) -> Answer:
    return problem_answer(
        413,
        f"the body is larger than {limits.max_bytes} bytes",
        "payload-too-large",
        limit=limits.max_bytes,
    )


async def read_body(
    receive: Receive, limits: BodyLimits, declared: int | None = None
) -> bytes | Answer | None:
    """The whole body; a 408/413 answer past the limits; None if the client left.

    ``declared``: the Content-Length, whose bytes are the whole body (the server
    frames the body by it): once they are in, the server's closing message (an
    empty chunk, a trip to the event loop of its own) is not waited for.
    """
    start = asyncio.get_running_loop().time()
    parts: list[bytes] = []
    size = 0
    try:
        # One timeout for the whole read, moved on as bytes arrive (cheaper
        # than a wait_for, which makes a task of every receive).
        async with asyncio.timeout_at(limits.due(start, 0)) as deadline:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return None
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limits.max_bytes:
                    return too_large(limits)
                parts.append(chunk)
                if size == declared or not message.get("more_body", False):
                    return b"".join(parts)
                deadline.reschedule(limits.due(start, size))
    except TimeoutError:
        return too_slow(limits)


class Direct(Protocol):
    """Requests answered without the WSGI application (services.ingest.direct)."""

    def serves(self, scope: Scope) -> bool: ...

    async def answer(
        self, scope: Scope, receive: Receive, after: list[Any], front: BodyFront
    ) -> Answer | None: ...


class BodyFront:
    """An ASGI application serving the WSGI application ``app`` (see the module doc)."""

    def __init__(
        self,
        app: WSGIApp,
        limits: BodyLimits,
        threads: int,
        direct: Direct | None = None,
    ) -> None:
        self.app = app
        self.direct = direct
        self.limits = limits
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="ingest-api")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        after: list[Callable[[], object]] = []
        try:
            await self._respond(scope, receive, send, after, started)
        finally:
            for action in after:
                try:
                    action()
                except Exception:
                    error_log.exception("an action after the answer failed")

    async def _respond(
        self, scope: Scope, receive: Receive, send: Send, after: list[Any], started: float
    ) -> None:
        try:
            answer = await self.answer(scope, receive, after)
        except Exception:  # the application answers its own errors; this is a last resort
            error_log.exception(
                "%s %s failed in the ingest API's front", scope["method"], scope["path"]
            )
            answer = problem_answer(
                500, "internal error; it has been logged", "internal-server-error"
            )
        if answer is None:
            log_access(scope, None, started)
            return
        await send(
            {
                "type": "http.response.start",
                "status": answer.status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers],
            }
        )
        await send({"type": "http.response.body", "body": answer.body})
        log_access(scope, answer, started)

    async def answer(
        self, scope: Scope, receive: Receive, after: list[Any] | None = None
    ) -> Answer | None:
        """The answer to the request; ``after`` collects the application's AFTER_RESPONSE."""
        after = [] if after is None else after
        if self.direct is not None and self.direct.serves(scope):
            return await self.direct.answer(scope, receive, after, self)
        length = header(scope, b"content-length")
        if not has_body(scope):
            environ = build_environ(scope, b"", length)
            environ[AFTER_RESPONSE] = after
            return await self._run(environ)
        environ = build_environ(scope, b"", length)
        first = await self._run({**environ, PREFLIGHT: True})
        if first.status != CONTINUE:
            return closing(first)
        body = await self.read(scope, receive)
        if not isinstance(body, bytes):
            return body
        environ.update(
            {
                "wsgi.input": io.BytesIO(body),
                "CONTENT_LENGTH": str(len(body)),
                ADMITTED: True,
                AFTER_RESPONSE: after,
            }
        )
        return await self._run(environ)

    async def read(self, scope: Scope, receive: Receive) -> bytes | Answer | None:
        """The request's whole body, read under the limits (see ``read_body``)."""
        chunked = header(scope, b"transfer-encoding") is not None
        length = None if chunked else declared(header(scope, b"content-length"))
        body = await read_body(receive, self.limits, length)
        if isinstance(body, Answer):  # answered here: the application never saw it
            HTTP_RESPONSES.labels("ingest-api", str(body.status)).inc()
        return body

    async def _run(self, environ: dict[str, Any]) -> Answer:
        """The application's answer, from a thread of the pool."""
        return await self.call(call_wsgi, self.app, environ)  # type: ignore[no-any-return]

    async def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` run in a thread of the pool.

        The thread hands the result to the event loop itself (one
        call_soon_threadsafe), rather than through the chained futures of
        run_in_executor.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self.pool.submit(_result_into, future, fn, args)
        return await future

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                # Requests in flight have finished by now; let their threads end.
                await asyncio.get_running_loop().run_in_executor(None, self.pool.shutdown)
                await send({"type": "lifespan.shutdown.complete"})
                return


def declared(length: str | None) -> int | None:
    """The declared Content-Length as a number; None when absent or not one."""
    try:
        return int(length) if length is not None else None
    except ValueError:
        return None


def has_body(scope: Scope) -> bool:
    """Whether the request carries a body: chunked, or a Content-Length not 0."""
    if header(scope, b"transfer-encoding") is not None:
        return True
    return (header(scope, b"content-length") or "0").strip() != "0"


def _result_into(
    future: asyncio.Future[Any], fn: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    """Run ``fn`` (in a pool thread) and settle ``future`` on its event loop."""
    loop = future.get_loop()
    try:
        result = fn(*args)
    except BaseException as exc:
        loop.call_soon_threadsafe(_settle, future, None, exc)
    else:
        loop.call_soon_threadsafe(_settle, future, result, None)


def _settle(future: asyncio.Future[Any], result: Any, exc: BaseException | None) -> None:
    if future.done():  # the request was cancelled meanwhile (the client left)
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)


def log_access(scope: Scope, answer: Answer | None, started: float) -> None:
    """One access log line; the Authorization header and token parameters never appear."""
    path = scope["path"]
    if path in QUIET_PATHS or not access_log.isEnabledFor(logging.INFO):
        return
    query = scope.get("query_string", b"").decode("latin-1")
    target = path + ("?" + mask_query(query) if query else "")
    client = scope.get("client") or ("-", 0)
    access_log.info(
        '%s "%s %s HTTP/%s" %s %s %.1fms',
        client[0],
        scope["method"],
        target[:2048],
        scope.get("http_version", "1.1"),
        answer.status if answer else "-",
        (answer.header("content-length") or "-") if answer else "-",
        (time.perf_counter() - started) * 1000,
    )
