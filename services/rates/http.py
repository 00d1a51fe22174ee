"""HTTP plumbing the rates API and page share: a read connection, validators, formats."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from flask import Flask, Response, current_app, g, request
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from shared.conditional import EPOCH, not_modified, strong_etag
from shared.db import make_engine
from shared.problems import Problem
from shared.settings import Settings

P = ParamSpec("P")
R = TypeVar("R")

JSON_TYPE = "application/json"
CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = ("json", "csv")


def settings() -> Settings:
    return current_app.extensions["silkfeed"]["settings"]  # type: ignore[no-any-return]


def install(app: Flask) -> None:
    """Give the app a read-only engine for rates reads (once, whichever blueprint asks).

    Its connections run without transactions (every rates read is one
    statement, or independent ones) and without a ping per checkout: on
    PostgreSQL those are three extra round trips on a read that takes one.
    A connection the database dropped fails its first read instead, and
    ``read_view`` runs the view again on a fresh one.
    """
    state = app.extensions["silkfeed"]
    if "rates_engine" in state:
        return
    state["rates_engine"] = make_engine(
        state["settings"].db_url,
        pool_pre_ping=False,
        isolation_level="AUTOCOMMIT",
        # Nothing to roll back on a connection that never opens a transaction.
        pool_reset_on_return=None,
    )
    app.teardown_request(_close_reader)


def reader() -> Connection:
    """This request's connection for rates reads."""
    conn: Connection | None = g.get("rates_conn")
    if conn is None:
        conn = current_app.extensions["silkfeed"]["rates_engine"].connect()
        g.rates_conn = conn
    return conn


def _close_reader(_exc: BaseException | None = None) -> None:
    conn = g.pop("rates_conn", None)
    if conn is not None:
        conn.close()


def read_view(view: Callable[P, R]) -> Callable[P, R]:
    """Run ``view`` again, once, when its connection turns out to have been dropped."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return view(*args, **kwargs)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            _close_reader()
            return view(*args, **kwargs)

    return wrapper


def wanted_format() -> str:
    fmt = request.args.get("format", "json").lower()
    if fmt not in FORMATS:
        raise Problem(
            422, f"format must be one of {', '.join(FORMATS)}, not {fmt!r}", kind="invalid-format"
        )
    return fmt


def json_bytes(doc: Any) -> bytes:
    # Compact and in insertion order: the same content gives the same bytes (and ETag).
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True, slots=True)
class Answer:
    """A finished 200: what ``respond`` sends, and what a copy in memory holds."""

    body: bytes
    content_type: str
    etag: str
    filename: str | None = None

    @classmethod
    def of(cls, body: bytes, content_type: str, filename: str | None = None) -> Answer:
        """With a strong ETag of the body."""
        return cls(body, content_type, strong_etag(body), filename)


def respond(answer: Answer) -> Response:
    """``answer`` with the feeds' Cache-Control, or a 304 when the client holds it."""
    headers = {
        "ETag": answer.etag,
        "Cache-Control": f"public, max-age={settings().feed_max_age}",
    }
    if not_modified(answer.etag, EPOCH, request.headers.get("If-None-Match"), None):
        return Response(status=304, headers=headers)
    if answer.filename is not None:
        headers["Content-Disposition"] = f'inline; filename="{answer.filename}"'
    return Response(answer.body, status=200, headers=headers, content_type=answer.content_type)


def cached(body: bytes, content_type: str, filename: str | None = None) -> Response:
    """A 200 with a strong ETag of the body and the feeds' Cache-Control, or a 304."""
    return respond(Answer.of(body, content_type, filename))
