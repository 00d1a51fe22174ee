"""HTTP plumbing the rates API and page share: read-only sessions, validators, formats."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Response, current_app, g, request
from sqlalchemy.orm import Session

from services.feed.conditional import not_modified
from services.feed.entries import EPOCH
from shared.problems import Problem
from shared.settings import Settings

JSON_TYPE = "application/json"
CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = ("json", "csv")


def settings() -> Settings:
    return current_app.extensions["silkfeed"]["settings"]  # type: ignore[no-any-return]


def reader() -> Session:
    """The request's session, reading without a transaction.

    Every rates read is one statement (or a few independent ones), so none
    needs a transaction; on PostgreSQL this saves the BEGIN and ROLLBACK
    round trips, which are most of what a small indexed read costs.
    """
    session: Session = g.session
    if not g.get("rates_reader"):
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        g.rates_reader = True
    return session


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


def cached(body: bytes, content_type: str, filename: str | None = None) -> Response:
    """A 200 with a strong ETag of the body and the feeds' Cache-Control, or a 304."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={settings().feed_max_age}",
    }
    if not_modified(etag, EPOCH, request.headers.get("If-None-Match"), None):
        return Response(status=304, headers=headers)
    if filename is not None:
        headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return Response(body, status=200, headers=headers, content_type=content_type)
