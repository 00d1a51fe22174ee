"""Accepting a submission: check the request, keep the raw page, commit.

Nothing here talks to Redis: the task is sent by the outbox only after the
row has committed, so a 202 never depends on the broker.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Insert, select
from sqlalchemy.orm import Session

from services.ingest.parsing import validate_json_document
from services.ingest.parsing.jsondoc import MAX_REPORTED_ERRORS
from shared.bounds import Bounds
from shared.db import dialect_insert, utcnow
from shared.models import Submission, SubmissionStatus
from shared.problems import Problem

SUPPORTED_MEDIA_TYPES = ("text/plain", "text/html", "application/json")
MAX_URL_LENGTH = 2048
# One regular expression each for the code and the OpenAPI document (which
# anchors it and allows the empty value that means "absent"); matched whole
# with fullmatch, since a Python "$" would also match before a final newline.
_SOURCE = r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}"
# An absolute http(s) URL in ASCII; the host part excludes "[" and "]", which
# urlsplit refuses with an exception, and anything that is not RFC 3986.
_PAGE_URL = r"[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9._~%!$&'()*+,;=:@-]+(?:[/?#][\x21-\x7e]*)?"
SOURCE_PATTERN = f"^(?:{_SOURCE})?$"
PAGE_URL_PATTERN = f"^(?:{_PAGE_URL})?$"
_SOURCE_RE = re.compile(_SOURCE)
_PAGE_URL_RE = re.compile(_PAGE_URL)


@dataclass(frozen=True, slots=True)
class Accepted:
    submission: Submission
    created: bool


def check_media_type(content_type: str | None) -> str:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type not in SUPPORTED_MEDIA_TYPES:
        raise Problem(
            415,
            f"unsupported media type {media_type or '(none)'!r}; "
            f"send one of {', '.join(SUPPORTED_MEDIA_TYPES)}",
            kind="unsupported-media-type",
            supported=list(SUPPORTED_MEDIA_TYPES),
        )
    return media_type


QUERY_PARAMETERS = ("source", "url")


def check_query(names: Iterable[str]) -> None:
    """Refuse unknown parameters, so that a misspelt one is reported, not ignored."""
    unknown = sorted(set(names) - set(QUERY_PARAMETERS))
    if unknown:
        raise Problem(
            400,
            f"unknown query parameter {unknown[0]!r}; this endpoint takes "
            f"{' and '.join(QUERY_PARAMETERS)}",
            kind="invalid-parameter",
            parameter=unknown[0],
        )


def check_source(source: str | None, default: str) -> str:
    if source is None or source == "":
        return default
    if not _SOURCE_RE.fullmatch(source):
        raise Problem(
            400,
            "source must be 1–100 letters, digits, '.', '_' or '-'",
            kind="invalid-parameter",
            parameter="source",
        )
    return source


def check_page_url(url: str | None) -> str | None:
    if not url:
        return None
    if len(url) > MAX_URL_LENGTH or not _PAGE_URL_RE.fullmatch(url):
        raise Problem(
            400,
            f"url must be an absolute http(s) URL in ASCII of at most {MAX_URL_LENGTH} characters",
            kind="invalid-parameter",
            parameter="url",
        )
    return url


def check_body(body: bytes, media_type: str, bounds: Bounds | None = None) -> None:
    """Refuse what can never be parsed, so the submitter hears it now."""
    if not body.strip():
        raise Problem(400, "the body is empty", kind="empty-body")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Problem(
            400,
            f"the body is not valid UTF-8 (byte {exc.start}: {exc.reason})",
            kind="undecodable-body",
        ) from None
    if media_type == "application/json":
        errors = validate_json_document(body, bounds)
        if errors:
            places = f"{len(errors)} place(s)"
            if len(errors) >= MAX_REPORTED_ERRORS:
                places = f"at least {len(errors)} places (the first {len(errors)} are listed)"
            raise Problem(
                422,
                f"the JSON document breaks the page schema in {places}",
                kind="schema-violation",
                errors=errors,
            )


def accept(
    session: Session, body: bytes, media_type: str, source: str, page_url: str | None
) -> Accepted:
    """Store the raw page (or find the identical one already stored) and commit."""
    digest = hashlib.sha256(body).hexdigest()
    values: dict[str, Any] = {
        "id": uuid.uuid4().hex,
        "body": body,
        "body_sha256": digest,
        "media_type": media_type,
        "source": source,
        "page_url": page_url,
        "status": SubmissionStatus.QUEUED,
        "attempts": 0,
        "received_at": utcnow(),
        "article_count": 0,
        "new_article_count": 0,
        "updated_article_count": 0,
        "rate_count": 0,
    }
    # A new page is the common case: one INSERT, no look-up first. The same
    # page stored before (or racing in through another request) is left to
    # the database's unique constraint, and read back.
    inserted = session.execute(_insert_if_new(session), values).first()
    session.commit()
    if inserted is not None:
        return Accepted(Submission(**values, body_bytes=len(body)), created=True)
    existing = _find(session, digest, media_type)
    if existing is None:
        raise RuntimeError(f"page {digest} was refused as stored, but is not stored")
    return Accepted(existing, created=False)


_INSERTS: dict[str, Insert] = {}
SUBMISSIONS = Submission.__table__


def _insert_if_new(session: Session) -> Insert:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING id`` for the session's database.

    A row comes back only when one was inserted (a driver's rowcount cannot
    be relied on for this: psycopg reports -1). Built once per dialect.
    """
    dialect = session.get_bind().dialect.name
    statement = _INSERTS.get(dialect)
    if statement is None:
        statement = _INSERTS[dialect] = (
            dialect_insert(session)(SUBMISSIONS)
            .on_conflict_do_nothing()
            .returning(SUBMISSIONS.c.id)
        )
    return statement


def _find(session: Session, digest: str, media_type: str) -> Submission | None:
    return session.scalars(
        select(Submission).where(
            Submission.body_sha256 == digest, Submission.media_type == media_type
        )
    ).first()


def describe(sub: Submission, base_url: str) -> dict[str, object]:
    """The public representation of a submission."""
    return {
        "id": sub.id,
        "status": sub.status,
        "url": f"{base_url}/v1/submissions/{sub.id}",
        "source": sub.source,
        "media_type": sub.media_type,
        "bytes": sub.body_bytes,
        "received_at": sub.received_at.isoformat(),
        "started_at": sub.started_at.isoformat() if sub.started_at else None,
        "finished_at": sub.finished_at.isoformat() if sub.finished_at else None,
        "attempts": sub.attempts,
        "page_date": sub.page_date,
        "counts": sub.counts,
        "diagnostics": sub.diagnostics,
        "error": sub.error,
    }
