"""The ingest HTTP API's factory: its database, outbox relay, rate limiter and routes."""

from __future__ import annotations

from datetime import timedelta

import redis
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from services.ingest.outbox import Outbox
from services.ingest.ratelimit import RateLimiter, request_path_client
from services.ingest.routes import bp
from shared.access_log import AccessLog
from shared.celery_app import create_celery
from shared.db import make_engine, make_session_factory
from shared.flask_sessions import install_sessions
from shared.http_limits import RequestLimits
from shared.operations import install_operations
from shared.problems import install_problem_handlers
from shared.redis_client import settings_client
from shared.settings import Settings, load_settings


def limiter_client(settings: Settings) -> redis.Redis:
    # Short timeouts: a scrape while Redis is away reports the outage, not a hang.
    return settings_client(settings, socket_timeout=1, socket_connect_timeout=1)


def _outbox(settings: Settings, sessions: sessionmaker[Session]) -> Outbox:
    """The relay that sends accepted pages' tasks (started by the caller)."""
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
    return Outbox(sessions, celery, stale_after=timedelta(seconds=visibility + limit))


def create_app(
    settings: Settings | None = None, *, start_relay: bool = True, access_log: bool = True
) -> Flask:
    """``access_log=False`` when the server in front writes it (services.ingest.body_front)."""
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
    outbox = _outbox(settings, sessions)
    if start_relay:
        outbox.start()
    limiter = RateLimiter(
        request_path_client(settings), settings.key_prefix, settings.ingest_rate_limit
    )
    app.extensions["silkfeed"] = {
        "settings": settings,
        "outbox": outbox,
        "engine": engine,
        "limiter": limiter,
        "tokens": settings.token_values(),
    }
    install_problem_handlers(app)
    install_sessions(app, sessions)
    app.register_blueprint(bp)
    install_operations(app, "ingest-api", engine, limiter_client(settings), settings)
    inner = AccessLog(app.wsgi_app) if access_log else app.wsgi_app
    app.wsgi_app = RequestLimits(  # type: ignore[method-assign]
        inner, settings.http_max_url_bytes, settings.http_max_header_bytes
    )

    return app
