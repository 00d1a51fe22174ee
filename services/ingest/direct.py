"""The ingest API's two busiest requests served by the ASGI front itself.

``POST /v1/submissions`` and ``GET /v1/submissions/<id>`` make up nearly all
of the API's traffic (pages, and upstreams polling their status). Through
Flask each paid for a WSGI environ, a request context, URL matching, a
database session and the hooks around them, several times what the request's
own work costs. Here the front calls the routes' plain functions
(services.ingest.submissions) with the request's parts, in its thread pool,
and answers with the very status, headers and bytes the Flask routes give
(tests/services/ingest/test_direct.py compares them case by case):

- the URL and header limits first (414, 431, not counted, as in front of Flask);
- a POST with a body: its checks before the body (token, rate limit charged
  once, media type, declared length, parameters), a refusal answered at once
  with the connection closed; then the body is read by the front, under its
  deadline (counted as ``100``, as the Flask preflight's answer is); then it
  is checked, stored and described;
- a POST without a body: every check and the empty body's refusal in one go;
- a GET: the token and the submission's fields.

A problem leaves as the problem document the Flask handlers would write, an
unexpected error as their 500 (or 503 for an outage), logged by the Flask
application's logger; each answer is counted as Flask's hook counts it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, Protocol
from urllib.parse import parse_qsl

import werkzeug.urls  # noqa: F401 - registers the "werkzeug.url_quote" error handler
from flask import Flask
from werkzeug.datastructures import MultiDict
from werkzeug.sansio.utils import get_content_length

from services.ingest.body_front import CONTINUE, Receive, closing, has_body, problem_answer
from services.ingest.submissions import (
    Checked,
    Reply,
    check_submission,
    submission_status,
    take_page,
)
from services.ingest.wsgi_bridge import Answer, Scope, header_fields, header_value
from shared.http_limits import RequestLimits
from shared.metrics import HTTP_RESPONSES
from shared.problems import PROBLEM_MEDIA_TYPE, Problem, problem_document, unexpected_problem

SERVICE = "ingest-api"
COLLECTION = "/v1/submissions"
ITEM_PREFIX = COLLECTION + "/"


class Front(Protocol):
    """What the body-reading front lends a direct route."""

    def call(self, fn: Callable[..., Any], *args: Any) -> Awaitable[Any]: ...

    def read(self, scope: Scope, receive: Receive) -> Awaitable[bytes | Answer | None]: ...


class DirectRoutes:
    """The direct path for ``app`` (a create_app application), behind ``limits``."""

    def __init__(self, app: Flask, limits: RequestLimits) -> None:
        self.state: dict[str, Any] = app.extensions["silkfeed"]
        self.logger = app.logger
        self.limits = limits
        self._counters: dict[int, Any] = {}

    def serves(self, scope: Scope) -> bool:
        """Whether the request is one of the two this path answers (else Flask does)."""
        method, path = scope["method"], scope["path"]
        if method == "POST":
            return path == COLLECTION  # type: ignore[no-any-return]
        return (
            method == "GET"
            and path.startswith(ITEM_PREFIX)
            and len(path) > len(ITEM_PREFIX)
            and "/" not in path[len(ITEM_PREFIX) :]
        )

    async def answer(
        self, scope: Scope, receive: Receive, after: list[Any], front: Front
    ) -> Answer | None:
        request = Parts(scope)
        refusal = self.limits.refusal(request.url_bytes(), request.limited_fields())
        if refusal is not None:
            status, detail, kind, limit = refusal
            return problem_answer(status, detail, kind, limit=limit)
        with_body = has_body(scope)
        if scope["method"] == "GET":
            answer = await front.call(self._guarded, self._status, request)
            return closing(answer) if with_body else answer
        if not with_body:
            return await front.call(self._guarded, self._whole, request, after)
        checked = await front.call(self._preflight, request)
        if isinstance(checked, Answer):
            return closing(checked)
        self._count(CONTINUE)  # the body agreed to read, as the Flask preflight's 100
        body = await front.read(scope, receive)
        if not isinstance(body, bytes):
            return body
        return await front.call(self._guarded, self._take, checked, body, after)

    def _preflight(self, request: Parts) -> Checked | Answer:
        """The checks before the body; a problem is the answer (other errors go up:
        the front answers them, the body unread)."""
        try:
            return self._check(request, charge=True)
        except Problem as exc:
            return self._problem(exc)

    def _whole(self, request: Parts, after: list[Any]) -> Answer:
        return self._take(self._check(request, charge=True), b"", after)

    def _check(self, request: Parts, *, charge: bool) -> Checked:
        fields = request.fields
        return check_submission(
            self.state,
            fields.get("HTTP_AUTHORIZATION"),
            fields.get("CONTENT_TYPE"),
            get_content_length(http_content_length=request.content_length),
            request.args(),
            charge=charge,
            content_encoding=fields.get("HTTP_CONTENT_ENCODING"),
        )

    def _take(self, checked: Checked, body: bytes, after: list[Any]) -> Answer:
        reply = take_page(self.state, checked, body, self.logger)
        if reply.kick is not None:
            # Sent now if it can be; the kick after the answer sends it otherwise,
            # and has the relay record it sent in either case.
            self.state["outbox"].send_now(reply.kick)
            after.append(partial(self.state["outbox"].kick, reply.kick))
        return self._reply(reply)

    def _status(self, request: Parts) -> Answer:
        submission_id = request.scope["path"][len(ITEM_PREFIX) :]
        auth = request.fields.get("HTTP_AUTHORIZATION")
        return self._reply(submission_status(self.state, auth, submission_id))

    def _guarded(self, fn: Callable[..., Answer], *args: Any) -> Answer:
        """``fn``'s answer, or the problem answer the Flask handlers would give."""
        try:
            return fn(*args)
        except Problem as exc:
            return self._problem(exc)
        except Exception as exc:
            return self._problem(unexpected_problem(exc, self.logger))

    def _reply(self, reply: Reply) -> Answer:
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(reply.body)))]
        if reply.location is not None:
            headers.append(("Location", reply.location))
        self._count(reply.status)
        return Answer(reply.status, headers, reply.body)

    def _problem(self, exc: Problem) -> Answer:
        body = problem_document(exc.status, exc.detail, exc.kind, **exc.extra)
        headers = [("Content-Type", PROBLEM_MEDIA_TYPE), ("Content-Length", str(len(body)))]
        headers.extend(exc.headers.items())
        self._count(exc.status)
        return Answer(exc.status, headers, body)

    def _count(self, status: int) -> None:
        counter = self._counters.get(status)
        if counter is None:
            counter = self._counters[status] = HTTP_RESPONSES.labels(SERVICE, str(status))
        counter.inc()


class Parts:
    """A request's parts as the WSGI environ would carry them."""

    __slots__ = ("content_length", "fields", "scope")

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.fields = header_fields(scope)
        self.content_length = header_value(scope, b"content-length")

    def url_bytes(self) -> int:
        """The length of the URL as the limits measure it: path, ``?``, query."""
        path = self.scope["path"].encode("utf-8")
        return len(path) + len(self.scope.get("query_string", b"")) + 1

    def limited_fields(self) -> dict[str, str]:
        if self.content_length is None:
            return self.fields
        return {**self.fields, "CONTENT_LENGTH": self.content_length}

    def args(self) -> MultiDict[str, str]:
        """The query's parameters, parsed as Werkzeug parses ``request.args``."""
        query = self.scope.get("query_string", b"").decode()
        return MultiDict(parse_qsl(query, keep_blank_values=True, errors="werkzeug.url_quote"))
