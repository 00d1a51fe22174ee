"""The ingest HTTP API: accept pages, report their status."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import redis
from flask import Flask, Response, g, request

from services.ingest import accept as acc
from services.ingest.auth import authenticate
from services.ingest.openapi import openapi_document
from services.ingest.outbox import Outbox
from services.ingest.parsing.served_schema import served_page_schema
from services.ingest.ratelimit import RateLimiter, request_path_client
from shared.access_log import AccessLog
from shared.bounds import Bounds
from shared.celery_app import create_celery
from shared.db import make_engine, make_session_factory
from shared.flask_sessions import install_sessions
from shared.http_limits import RequestLimits
from shared.metrics import SUBMISSIONS_ACCEPTED as ACCEPTED
from shared.models import Submission
from shared.operations import install_operations
from shared.problems import Problem, install_problem_handlers
from shared.redis_client import settings_client
from shared.settings import Settings, load_settings


def limiter_client(settings: Settings) -> redis.Redis:
    # Short timeouts: a scrape while Redis is away reports the outage, not a hang.
    return settings_client(settings, socket_timeout=1, socket_connect_timeout=1)


def create_app(settings: Settings | None = None, *, start_relay: bool = True) -> Flask:
    settings = settings or load_settings()
    if not settings.ingest_tokens:
        raise SystemExit(
            "silkfeed: SILKFEED_INGEST_TOKENS is empty; set one or more comma-separated "
            "tokens of at least 16 characters"
        )
    app = Flask(__name__)
    # A declared Content-Length over the limit is refused before anything is
    # read. A streamed (chunked) body has no length: Werkzeug stops reading at
    # this limit without an error, so it is one byte over ours, and a body that
    # reaches it is refused below instead of being silently cut short.
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes + 1
    engine = make_engine(settings.db_url)
    sessions = make_session_factory(engine)
    # Nothing here connects to Redis: building a Celery app or a redis client
    # is lazy, so the API starts (and accepts pages) while Redis is down.
    celery = create_celery("silkfeed-ingest-api", settings)
    # Only the relay thread publishes; a Redis that accepts the connection but
    # never answers must not hang it (kombu waits forever by default).
    celery.conf.broker_transport_options = {
        **celery.conf.broker_transport_options,
        "socket_timeout": 5.0,
    }
    limit = settings.task_time_limit
    visibility = settings.visibility_timeout or limit * 4
    # The relay re-sends a row only after Redis' own redelivery had its chance.
    outbox = Outbox(sessions, celery, stale_after=timedelta(seconds=visibility + limit))
    if start_relay:
        outbox.start()
    limiter = RateLimiter(
        request_path_client(settings), settings.key_prefix, settings.ingest_rate_limit
    )
    tokens = settings.token_values()
    bounds = Bounds.from_settings(settings)
    app.extensions["silkfeed"] = {
        "settings": settings,
        "outbox": outbox,
        "engine": engine,
        "limiter": limiter,
    }
    install_problem_handlers(app)

    def base_url() -> str:
        return settings.ingest_base_url

    install_sessions(app, sessions)

    def json_response(
        doc: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> Response:
        resp = Response(
            json.dumps(doc, ensure_ascii=False), status=status, mimetype="application/json"
        )
        for k, v in (headers or {}).items():
            resp.headers[k] = v
        return resp

    @app.post("/v1/submissions")
    def post_submission() -> Response:
        label = authenticate(request.headers.get("Authorization"), tokens)
        # Before the body is read: a flood costs no more than its headers.
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
        body = request.get_data(cache=False)
        if len(body) > settings.max_body_bytes:
            raise too_large
        acc.check_body(body, media_type, bounds)
        accepted = acc.accept(g.session, body, media_type, source, page_url)
        sub = accepted.submission
        if accepted.created or sub.sent_at is None:
            outbox.kick(sub.id)
        location = f"{base_url()}/v1/submissions/{sub.id}"
        doc = acc.describe(sub, base_url())
        doc["duplicate"] = not accepted.created
        app.logger.info(
            "submission %s accepted (%s, %d bytes, created=%s)",
            sub.id,
            media_type,
            len(body),
            accepted.created,
            extra={"submission_id": sub.id},
        )
        ACCEPTED.labels("created" if accepted.created else "duplicate").inc()
        return json_response(doc, 202 if accepted.created else 200, {"Location": location})

    @app.get("/v1/submissions/<submission_id>")
    def get_submission(submission_id: str) -> Response:
        authenticate(request.headers.get("Authorization"), tokens)
        sub = g.session.get(Submission, submission_id) if len(submission_id) <= 32 else None
        if sub is None:
            raise Problem(404, f"no submission {submission_id!r}", kind="not-found")
        return json_response(acc.describe(sub, base_url()))

    @app.get("/v1/schema")
    def schema() -> Response:
        resp = json_response(served_page_schema(bounds))
        resp.mimetype = "application/schema+json"
        return resp

    @app.get("/v1/openapi.json")
    def openapi() -> Response:
        # Built per request: the dates it allows move with the calendar.
        return json_response(openapi_document(settings))

    install_operations(app, "ingest-api", engine, limiter_client(settings), settings)
    app.wsgi_app = RequestLimits(  # type: ignore[method-assign]
        AccessLog(app.wsgi_app), settings.http_max_url_bytes, settings.http_max_header_bytes
    )

    return app
