"""The ingest API's routes: accept pages, report their status, describe the API."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, g, request

from services.ingest import accept as acc
from services.ingest.auth import authenticate
from services.ingest.body_front import ADMITTED, CONTINUE, PREFLIGHT
from services.ingest.openapi import openapi_document
from services.ingest.outbox import Outbox
from services.ingest.parsing.served_schema import served_page_schema
from services.ingest.ratelimit import RateLimiter
from shared.bounds import Bounds
from shared.metrics import SUBMISSIONS_ACCEPTED as ACCEPTED
from shared.models import Submission
from shared.problems import Problem
from shared.settings import Settings

bp = Blueprint("ingest", __name__)


def _state() -> dict[str, Any]:
    return current_app.extensions["silkfeed"]  # type: ignore[no-any-return]


def _base_url() -> str:
    # From configuration, never the request's Host header, which the client chooses.
    settings: Settings = _state()["settings"]
    return settings.ingest_base_url


def json_response(doc: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    resp = Response(json.dumps(doc, ensure_ascii=False), status=status, mimetype="application/json")
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def _authenticate() -> str:
    return authenticate(request.headers.get("Authorization"), _state()["tokens"])


@bp.post("/v1/submissions")
def post_submission() -> Response:
    settings: Settings = _state()["settings"]
    limiter: RateLimiter = _state()["limiter"]
    outbox: Outbox = _state()["outbox"]
    label = _authenticate()
    # Before the body is read: a flood costs no more than its headers. Behind
    # the body-reading front, its preflight already took this request's token.
    if not request.environ.get(ADMITTED):
        limiter.check(label)
    media_type = acc.check_media_type(request.headers.get("Content-Type"))
    too_large = Problem(
        413,
        f"the body is larger than {settings.max_body_bytes} bytes",
        kind="payload-too-large",
        limit=settings.max_body_bytes,
    )
    length = request.content_length
    if length is not None and length > settings.max_body_bytes:
        raise too_large
    acc.check_query(request.args.keys())
    source = acc.check_source(request.args.get("source"), default=f"token-{label}")
    page_url = acc.check_page_url(request.args.get("url"))
    if request.environ.get(PREFLIGHT):
        # Every check that needs no body has passed: the front may read it now.
        return Response(status=CONTINUE)
    body = request.get_data(cache=False)
    if len(body) > settings.max_body_bytes:
        raise too_large
    acc.check_body(body, media_type, Bounds.from_settings(_state()["settings"]))
    accepted = acc.accept(g.session, body, media_type, source, page_url)
    sub = accepted.submission
    if accepted.created or sub.sent_at is None:
        outbox.kick(sub.id)
    location = f"{_base_url()}/v1/submissions/{sub.id}"
    doc = acc.describe(sub, _base_url())
    doc["duplicate"] = not accepted.created
    current_app.logger.info(
        "submission %s accepted (%s, %d bytes, created=%s)",
        sub.id,
        media_type,
        len(body),
        accepted.created,
        extra={"submission_id": sub.id},
    )
    ACCEPTED.labels("created" if accepted.created else "duplicate").inc()
    return json_response(doc, 202 if accepted.created else 200, {"Location": location})


@bp.get("/v1/submissions/<submission_id>")
def get_submission(submission_id: str) -> Response:
    _authenticate()
    sub = Submission.find(g.session, submission_id)
    if sub is None:
        raise Problem(404, f"no submission {submission_id!r}", kind="not-found")
    return json_response(acc.describe(sub, _base_url()))


@bp.get("/v1/schema")
def schema() -> Response:
    resp = json_response(served_page_schema(Bounds.from_settings(_state()["settings"])))
    resp.mimetype = "application/schema+json"
    return resp


@bp.get("/v1/openapi.json")
def openapi() -> Response:
    # Built per request: the dates it allows move with the calendar.
    return json_response(openapi_document(_state()["settings"]))
