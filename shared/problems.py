"""RFC 9457 problem details for both HTTP services."""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE_BASE = "https://silkfeed.dev/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"


class Problem(Exception):
    """Raise to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind or HTTPStatus(status).phrase.lower().replace(" ", "-")
        self.headers = headers or {}
        self.extra = extra


def problem_document(status: int, detail: str, kind: str | None = None, **extra: Any) -> bytes:
    """The problem document's bytes, as every answer of the application carries them."""
    kind = kind or HTTPStatus(status).phrase.lower().replace(" ", "-")
    doc: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + kind,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extra,
    }
    return json.dumps(doc, ensure_ascii=False).encode()


def problem_response(
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    body = problem_document(status, detail, kind, **extra)
    resp = Response(body, status=status, mimetype=PROBLEM_MEDIA_TYPE)
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    return resp


def unexpected_problem(exc: Exception, logger: logging.Logger) -> Problem:
    """The problem answering an exception no handler expected, logged as it deserves."""
    if is_outage(exc):
        # The detail names hosts and ports: the log has it, the answer does not.
        logger.warning("a dependency is unavailable: %s: %.300s", type(exc).__name__, exc)
        return Problem(
            503,
            "a service this request needs is unavailable; try again shortly",
            kind="service-unavailable",
            headers={"Retry-After": str(OUTAGE_RETRY_AFTER)},
        )
    logger.exception("unhandled error")
    return Problem(500, "internal error; it has been logged")


def install_problem_handlers(app: Flask) -> None:
    """Every error, including Flask's own 404/405, leaves as a problem document."""

    @app.errorhandler(Problem)
    def _problem(exc: Problem) -> Response:
        return problem_response(
            exc.status, exc.detail, kind=exc.kind, headers=exc.headers, **exc.extra
        )

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        resp = problem_response(status, exc.description or HTTPStatus(status).phrase)
        if status == 405 and exc.get_response().headers.get("Allow"):
            resp.headers["Allow"] = exc.get_response().headers["Allow"]
        return resp

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        return _problem(unexpected_problem(exc, app.logger))


OUTAGE_RETRY_AFTER = 5


def is_outage(exc: BaseException) -> bool:
    """A database (or Redis) that cannot be reached, as opposed to a bug."""
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    if isinstance(exc, OperationalError | InterfaceError | PoolTimeout):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, RedisConnectionError | RedisTimeoutError)
