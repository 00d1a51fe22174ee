"""The ingest API's routes: accept pages, report their status, describe the API.

What the two submission routes do is in services.ingest.submissions, which
the ASGI front also calls directly (services.ingest.direct).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from flask import Blueprint, Response, current_app, request

from services.ingest.body_front import ADMITTED, AFTER_RESPONSE, CONTINUE, PREFLIGHT
from services.ingest.openapi import openapi_document
from services.ingest.parsing.served_schema import served_page_schema
from services.ingest.submissions import Reply, check_submission, submission_status, take_page
from shared.bounds import Bounds

bp = Blueprint("ingest", __name__)


def _state() -> dict[str, Any]:
    return current_app.extensions["silkfeed"]  # type: ignore[no-any-return]


def json_response(doc: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    resp = Response(json.dumps(doc, ensure_ascii=False), status=status, mimetype="application/json")
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def json_reply(reply: Reply) -> Response:
    resp = Response(reply.body, status=reply.status, mimetype="application/json")
    if reply.location is not None:
        resp.headers["Location"] = reply.location
    return resp


@bp.post("/v1/submissions")
def post_submission() -> Response:
    state = _state()
    checked = check_submission(
        state,
        request.headers.get("Authorization"),
        request.headers.get("Content-Type"),
        request.content_length,
        request.args,
        charge=not request.environ.get(ADMITTED),
        content_encoding=request.headers.get("Content-Encoding"),
    )
    if request.environ.get(PREFLIGHT):
        # Every check that needs no body has passed: the front may read it now.
        return Response(status=CONTINUE)
    reply = take_page(state, checked, request.get_data(cache=False), current_app.logger)
    if reply.kick is not None:
        state["outbox"].send_now(reply.kick)  # else the kick sends it (direct.py)
        _after_response(request.environ, partial(state["outbox"].kick, reply.kick))
    return json_reply(reply)


def _after_response(environ: dict[str, Any], action: Callable[[], object]) -> None:
    """``action`` once the answer is sent, behind the body-reading front; else now."""
    after = environ.get(AFTER_RESPONSE)
    if after is None:
        action()
    else:
        after.append(action)


@bp.get("/v1/submissions/<submission_id>")
def get_submission(submission_id: str) -> Response:
    auth = request.headers.get("Authorization")
    return json_reply(submission_status(_state(), auth, submission_id))


@bp.get("/v1/schema")
def schema() -> Response:
    resp = json_response(served_page_schema(Bounds.from_settings(_state()["settings"])))
    resp.mimetype = "application/schema+json"
    return resp


@bp.get("/v1/openapi.json")
def openapi() -> Response:
    # Built per request: the dates it allows move with the calendar.
    return json_response(openapi_document(_state()["settings"]))
