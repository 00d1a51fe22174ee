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

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.ingest.parsing import validate_json_document
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


def check_body(body: bytes, media_type: str) -> None:
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
        errors = validate_json_document(body)
        if errors:
            raise Problem(
                422,
                f"the JSON document breaks the page schema in {len(errors)} place(s)",
                kind="schema-violation",
                errors=errors,
            )


def accept(
    session: Session, body: bytes, media_type: str, source: str, page_url: str | None
) -> Accepted:
    """Store the raw page (or find the identical one already stored) and commit."""
    digest = hashlib.sha256(body).hexdigest()
    existing = _find(session, digest, media_type)
    if existing is not None:
        return Accepted(existing, created=False)
    sub = Submission(
        id=uuid.uuid4().hex,
        body=body,
        body_sha256=digest,
        media_type=media_type,
        source=source,
        page_url=page_url,
        status=SubmissionStatus.QUEUED,
    )
    session.add(sub)
    try:
        session.commit()
    except IntegrityError:
        # The same page raced in through another request: answer with that one.
        session.rollback()
        existing = _find(session, digest, media_type)
        if existing is None:
            raise
        return Accepted(existing, created=False)
    return Accepted(sub, created=True)


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
        "bytes": len(sub.body),
        "received_at": sub.received_at.isoformat(),
        "started_at": sub.started_at.isoformat() if sub.started_at else None,
        "finished_at": sub.finished_at.isoformat() if sub.finished_at else None,
        "attempts": sub.attempts,
        "page_date": sub.page_date,
        "counts": sub.counts,
        "diagnostics": sub.diagnostics,
        "error": sub.error,
    }
