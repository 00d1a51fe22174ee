"""What ``POST /v1/submissions`` and ``GET /v1/submissions/<id>`` do, as plain
functions of the request's parts, without a web framework.

The Flask routes (services.ingest.routes) and the ASGI front's direct path
(services.ingest.direct) both call these, so the two ways in share one code
path: the same checks in the same order, the same documents.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.ingest import accept as acc
from services.ingest.auth import authenticate
from services.ingest.charsets import declared_charset, to_utf8
from services.ingest.ratelimit import RateLimiter
from shared.bounds import Bounds
from shared.metrics import SUBMISSIONS_ACCEPTED
from shared.problems import Problem
from shared.settings import Settings

# The state a route reads: create_app's ``app.extensions["silkfeed"]``.
State = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Checked:
    """What a POST's checks before its body found: token label and parameters."""

    label: str
    media_type: str
    source: str
    page_url: str | None
    charset: str | None = None  # the encoding the Content-Type names (services.ingest.charsets)
    named: bool = False  # the query named the source (``?source=``)
    zone: str | None = None  # the zone of the page's zone-less times (``?tz=``)


@dataclass(frozen=True, slots=True)
class Reply:
    """A JSON answer: its status, document and ``Location``; ``kick`` names a
    stored page whose task the outbox relay must send (once the answer is out)."""

    status: int
    body: bytes
    location: str | None = None
    kick: str | None = None


def too_large(settings: Settings) -> Problem:
    return Problem(
        413,
        f"the body is larger than {settings.max_body_bytes} bytes",
        kind="payload-too-large",
        limit=settings.max_body_bytes,
    )


def check_submission(
    state: State,
    authorization: str | None,
    content_type: str | None,
    content_length: int | None,
    args: Any,
    *,
    charge: bool,
    content_encoding: str | None = None,
) -> Checked:
    """Every check of a POST that needs no body; raises its problem.

    Before the body is read: a flood costs no more than its headers.
    ``args``: the query's parameters (a MultiDict: ``keys()``, first value by
    ``get``). ``charge``: take a request from the token's rate limit (not again
    when the body-reading front's preflight took it).
    """
    settings: Settings = state["settings"]
    label = authenticate(authorization, state["tokens"])
    if charge:
        limiter: RateLimiter = state["limiter"]
        limiter.check(label)
    media_type = acc.check_media_type(content_type)
    acc.check_content_encoding(content_encoding)
    charset = declared_charset(content_type, media_type)
    if content_length is not None and content_length > settings.max_body_bytes:
        raise too_large(settings)
    acc.check_query(args.keys())
    source = acc.check_source(args.get("source"), default=f"token-{label}")
    page_url = acc.check_page_url(args.get("url"))
    zone = acc.check_zone(args.get("tz"))
    return Checked(label, media_type, source, page_url, charset, bool(args.get("source")), zone)


def take_page(state: State, checked: Checked, body: bytes, logger: logging.Logger) -> Reply:
    """Check the body of a checked POST, store it and describe it (202, or 200
    for a page stored before); raises its problem."""
    settings: Settings = state["settings"]
    if len(body) > settings.max_body_bytes:
        raise too_large(settings)
    body = to_utf8(body, checked.media_type, checked.charset)
    document = acc.check_body(body, checked.media_type, Bounds.from_settings(settings))
    # Named by the query, else by a JSON page's own field (its schema holds it
    # to a source name), else the token's name stands in.
    named = checked.source if checked.named else (document or {}).get("source")
    source = named or checked.source
    new_id = state["outbox"].new_id()
    fields, created = acc.store(
        state["engine"],
        body,
        checked.media_type,
        source,
        checked.page_url,
        checked.zone,
        new_id,
    )
    if not created:
        _same_page(fields, named, checked.page_url, checked.zone)
    base_url = settings.ingest_base_url
    doc = acc.describe(fields, base_url)
    doc["duplicate"] = not created
    logger.info(
        "submission %s accepted (%s, %d bytes, created=%s)",
        fields["id"],
        checked.media_type,
        len(body),
        created,
        extra={"submission_id": fields["id"]},
    )
    SUBMISSIONS_ACCEPTED.labels("created" if created else "duplicate").inc()
    return Reply(
        202 if created else 200,
        dumps(doc),
        f"{base_url}/v1/submissions/{fields['id']}",
        fields["id"] if created or fields["sent_at"] is None else None,
    )


def _same_page(
    fields: dict[str, Any], source: str | None, page_url: str | None, zone: str | None = None
) -> None:
    """A page posted again is the stored one: refuse a re-post that names another
    source, address or zone for it, which would otherwise be dropped without a word."""
    other = None
    if source is not None and fields["source"] != source:
        other = f"source {fields['source']!r}"
    elif page_url is not None and fields["page_url"] not in (None, page_url):
        other = f"address {fields['page_url']!r}"
    elif zone is not None and fields.get("page_timezone") != zone:
        other = f"tz {fields.get('page_timezone')!r}"
    if other is not None:
        raise Problem(
            409,
            f"this page was posted before (submission {fields['id']}) with {other}; "
            "the same page keeps its first source, address and zone",
            kind="conflicting-repost",
            submission_id=fields["id"],
        )


def submission_status(state: State, authorization: str | None, submission_id: str) -> Reply:
    """The status document of a submission; raises 401 or 404 problems."""
    authenticate(authorization, state["tokens"])
    fields = acc.status_of(state["engine"], submission_id)
    if fields is None:
        raise Problem(404, f"no submission {submission_id!r}", kind="not-found")
    settings: Settings = state["settings"]
    return Reply(200, dumps(acc.describe(fields, settings.ingest_base_url)))


def dumps(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()
