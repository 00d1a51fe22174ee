"""The ingest API's routes: accept pages, report their status, describe the API."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request
from werkzeug.wrappers import Request as WerkzeugRequest

from services.ingest import accept as acc
from services.ingest.auth import authenticate
from services.ingest.body_front import ADMITTED, AFTER_RESPONSE, CONTINUE, PREFLIGHT
from services.ingest.openapi import openapi_document
from services.ingest.outbox import Outbox
from services.ingest.parsing.served_schema import served_page_schema
from services.ingest.ratelimit import RateLimiter
from shared.bounds import Bounds
from shared.metrics import HTTP_RESPONSES
from shared.metrics import SUBMISSIONS_ACCEPTED as ACCEPTED
from shared.models import Submission
from shared.problems import Problem, problem_response
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


@dataclass(frozen=True, slots=True)
class Checked:
    """What a POST's checks before its body found: token label and parameters."""

    label: str
    media_type: str
    source: str
    page_url: str | None


def _too_large(settings: Settings) -> Problem:
    return Problem(
        413,
        f"the body is larger than {settings.max_body_bytes} bytes",
        kind="payload-too-large",
        limit=settings.max_body_bytes,
    )


def check_submission(state: dict[str, Any], req: WerkzeugRequest, *, charge: bool) -> Checked:
    """Every check of a POST that needs no body; raises its problem.

    Before the body is read: a flood costs no more than its headers.
    ``charge``: take a request from the token's rate limit (not again when the
    body-reading front's preflight took it).
    """
    settings: Settings = state["settings"]
    label = authenticate(req.headers.get("Authorization"), state["tokens"])
    if charge:
        limiter: RateLimiter = state["limiter"]
        limiter.check(label)
    media_type = acc.check_media_type(req.headers.get("Content-Type"))
    length = req.content_length
    if length is not None and length > settings.max_body_bytes:
        raise _too_large(settings)
    args = req.args
    acc.check_query(args.keys())
    source = acc.check_source(args.get("source"), default=f"token-{label}")
    return Checked(label, media_type, source, acc.check_page_url(args.get("url")))


@bp.post("/v1/submissions")
def post_submission() -> Response:
    settings: Settings = _state()["settings"]
    outbox: Outbox = _state()["outbox"]
    checked = check_submission(_state(), request, charge=not request.environ.get(ADMITTED))
    media_type, source, page_url = checked.media_type, checked.source, checked.page_url
    if request.environ.get(PREFLIGHT):
        # Every check that needs no body has passed: the front may read it now.
        return Response(status=CONTINUE)
    body = request.get_data(cache=False)
    if len(body) > settings.max_body_bytes:
        raise _too_large(settings)
    acc.check_body(body, media_type, Bounds.from_settings(_state()["settings"]))
    accepted = acc.accept(g.session, body, media_type, source, page_url)
    sub = accepted.submission
    if accepted.created or sub.sent_at is None:
        _after_response(request.environ, partial(outbox.kick, sub.id))
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


def _after_response(environ: dict[str, Any], action: Callable[[], object]) -> None:
    """``action`` once the answer is sent, behind the body-reading front; else now."""
    after = environ.get(AFTER_RESPONSE)
    if after is None:
        action()
    else:
        after.append(action)


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


class SubmissionPreflight:
    """The preflight of ``POST /v1/submissions`` without Flask's request machinery.

    The body-reading front runs this (a WSGI application) with the body
    withheld. It makes the same checks as the route (``check_submission``,
    which charges the rate limit) and answers ``100`` or the same problem
    document, a fraction of the cost of a full Flask request (context, URL
    matching, database session, hooks); any other request goes to ``app``.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.state: dict[str, Any] = app.extensions["silkfeed"]

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] != "POST" or environ["PATH_INFO"] != "/v1/submissions":
            return self.app(environ, start_response)  # type: ignore[no-any-return]
        try:
            check_submission(self.state, WerkzeugRequest(environ), charge=True)
        except Problem as exc:
            HTTP_RESPONSES.labels("ingest-api", str(exc.status)).inc()
            answer = problem_response(
                exc.status, exc.detail, kind=exc.kind, headers=exc.headers, **exc.extra
            )
            return answer(environ, start_response)  # type: ignore[no-any-return]
        start_response(f"{CONTINUE} Continue", [])
        return [b""]
