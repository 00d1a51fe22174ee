"""Accepting a submission: check the request, keep the raw page, commit.

Nothing here talks to Redis: the task is sent by the outbox only after the
row has committed, so a 202 never depends on the broker.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Insert, bindparam, func, select
from sqlalchemy.orm import Session

from services.ingest.parsing import checked_json_document
from services.ingest.parsing.jsondoc import MAX_REPORTED_ERRORS
from shared.bounds import Bounds
from shared.db import insert_of, utcnow
from shared.models import Submission, SubmissionStatus
from shared.models.ingest import SUBMISSION_ID_LENGTH
from shared.problems import Problem
from shared.zones import time_zone

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


def check_content_encoding(content_encoding: str | None) -> None:
    """Refuse a compressed body: its bytes would otherwise be read as the page
    and refused as text that is not UTF-8, which names the wrong problem."""
    coding = (content_encoding or "").strip().lower()
    if coding not in ("", "identity"):
        raise Problem(
            415,
            f"unsupported content encoding {coding[:40]!r}; send the page uncompressed",
            kind="unsupported-content-encoding",
            supported=["identity"],
        )


QUERY_PARAMETERS = ("source", "url", "tz")


def check_query(names: Iterable[str]) -> None:
    """Refuse unknown parameters, so that a misspelt one is reported, not ignored."""
    unknown = sorted(set(names) - set(QUERY_PARAMETERS))
    if unknown:
        raise Problem(
            400,
            f"unknown query parameter {unknown[0]!r}; this endpoint takes "
            f"{', '.join(QUERY_PARAMETERS)}",
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


def check_zone(name: str | None) -> str | None:
    """The zone ``?tz=`` names for the page's times that name none, or None."""
    if not name:
        return None
    try:
        time_zone(name)
    except ValueError:
        raise Problem(
            400,
            f"tz must be an IANA time zone name such as Asia/Almaty, not {name[:80]!r}",
            kind="invalid-parameter",
            parameter="tz",
        ) from None
    return name


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


def check_body(body: bytes, media_type: str, bounds: Bounds | None = None) -> dict[str, Any] | None:
    """Refuse what can never be parsed, so the submitter hears it now; a JSON
    page's document (read once here, for what the request needs of it)."""
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
    if media_type != "application/json":
        return None
    document, errors = checked_json_document(body, bounds)
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
    return document


def _new_row(
    body: bytes,
    media_type: str,
    source: str,
    page_url: str | None,
    zone: str | None = None,
    new_id: str | None = None,
) -> dict[str, Any]:
    return {
        "id": new_id or uuid.uuid4().hex,
        "body": body,
        "body_sha256": hashlib.sha256(body).hexdigest(),
        "media_type": media_type,
        "source": source,
        "page_url": page_url,
        "page_timezone": zone,
        "status": SubmissionStatus.QUEUED,
        "attempts": 0,
        "received_at": utcnow(),
        "article_count": 0,
        "new_article_count": 0,
        "updated_article_count": 0,
        "rate_count": 0,
    }


def accept(
    session: Session,
    body: bytes,
    media_type: str,
    source: str,
    page_url: str | None,
    zone: str | None = None,
) -> Accepted:
    """Store the raw page (or find the identical one already stored) and commit;
    ``zone``: the zone its times that name none are in, as ``?tz=`` named it."""
    values = _new_row(body, media_type, source, page_url, zone)
    # A new page is the common case: one INSERT, no look-up first. The same
    # page stored before (or racing in through another request) is left to
    # the database's unique constraint, and read back.
    dialect = session.get_bind().dialect.name
    inserted = session.execute(_insert_if_new(dialect), values).first()
    session.commit()
    if inserted is not None:
        return Accepted(Submission(**values, body_bytes=len(body)), created=True)
    existing = _find(session, values["body_sha256"], media_type)
    if existing is None:
        raise RuntimeError(f"page {values['body_sha256']} was refused as stored, but is not stored")
    return Accepted(existing, created=False)


def store(
    engine: Engine,
    body: bytes,
    media_type: str,
    source: str,
    page_url: str | None,
    zone: str | None = None,
    new_id: str | None = None,
) -> tuple[dict[str, Any], bool]:
    """``accept`` in plain SQL: the stored page's fields (``STATUS_COLUMNS``)
    and whether it was inserted now (False: the same page was stored before).
    ``new_id``: the id a new page gets (else a new random one).

    No ORM session or object: the HTTP path needs the fields, which the row
    just inserted already has.
    """
    values = _new_row(body, media_type, source, page_url, zone, new_id)
    with engine.begin() as conn:
        inserted = conn.execute(_insert_if_new(engine.dialect.name), values).first()
    if inserted is not None:
        values["body_bytes"] = len(body)
        values["sent_at"] = None
        return values, True
    with engine.connect() as conn:
        row = conn.execute(_BY_CONTENT, {"sha": values["body_sha256"], "type": media_type}).first()
    if row is None:
        raise RuntimeError(f"page {values['body_sha256']} was refused as stored, but is not stored")
    return dict(row._mapping), False


def status_of(engine: Engine, submission_id: str) -> dict[str, Any] | None:
    """The fields of the submission with this id (``STATUS_COLUMNS``), or None.

    An id longer than any id names none (and is not sent to the database,
    where PostgreSQL would refuse it).
    """
    if len(submission_id) > SUBMISSION_ID_LENGTH:
        return None
    with engine.connect() as conn:
        row = conn.execute(_BY_ID, {"id": submission_id}).first()
    return None if row is None else dict(row._mapping)


_INSERTS: dict[str, Insert] = {}
SUBMISSIONS = Submission.__table__
# What a status answer reports, and whether the task was sent; the body's
# size is read by the database, never the body (up to the size cap).
STATUS_COLUMNS = (
    *(c for c in SUBMISSIONS.c if c.name != "body"),
    func.length(SUBMISSIONS.c.body).label("body_bytes"),
)
_BY_ID = select(*STATUS_COLUMNS).where(SUBMISSIONS.c.id == bindparam("id"))
_BY_CONTENT = select(*STATUS_COLUMNS).where(
    SUBMISSIONS.c.body_sha256 == bindparam("sha"), SUBMISSIONS.c.media_type == bindparam("type")
)


def _insert_if_new(dialect: str) -> Insert:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING id`` for the database ``dialect``.

    A row comes back only when one was inserted (a driver's rowcount cannot
    be relied on for this: psycopg reports -1). Built once per dialect.
    """
    statement = _INSERTS.get(dialect)
    if statement is None:
        statement = _INSERTS[dialect] = (
            insert_of(dialect)(SUBMISSIONS).on_conflict_do_nothing().returning(SUBMISSIONS.c.id)
        )
    return statement


def _find(session: Session, digest: str, media_type: str) -> Submission | None:
    return session.scalars(
        select(Submission).where(
            Submission.body_sha256 == digest, Submission.media_type == media_type
        )
    ).first()


def describe(fields: Mapping[str, Any], base_url: str) -> dict[str, object]:
    """The public representation of a submission, from its fields (``STATUS_COLUMNS``)."""
    started, finished = fields.get("started_at"), fields.get("finished_at")
    return {
        "id": fields["id"],
        "status": fields["status"],
        "url": f"{base_url}/v1/submissions/{fields['id']}",
        "source": fields["source"],
        "tz": fields.get("page_timezone"),
        "media_type": fields["media_type"],
        "bytes": fields["body_bytes"],
        "received_at": fields["received_at"].isoformat(),
        "started_at": started.isoformat() if started else None,
        "finished_at": finished.isoformat() if finished else None,
        "attempts": fields["attempts"],
        "page_date": fields.get("page_date"),
        "counts": {
            "articles": fields["article_count"],
            "new_articles": fields["new_article_count"],
            "updated_articles": fields["updated_article_count"],
            "rates": fields["rate_count"],
        },
        "diagnostics": fields.get("diagnostics"),
        "error": fields.get("error"),
    }
