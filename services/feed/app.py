"""The feed service readers hit: stored feed bytes with validators, pages, the rates API."""

from __future__ import annotations

import logging

from flask import Flask

from services.feed.documents import FeedDocuments
from services.feed.fastpath import FastPath
from services.feed.feed_routes import bp as feeds_bp
from services.feed.memory import FeedMemory
from services.feed.pages import bp as pages_bp
from services.feed.websub.endpoint import install_hub
from services.feed.websub.metrics import HubCollector
from services.rates.api import bp as rates_bp
from services.rates.memory import LatestRatesMemory
from services.rates.page import bp as rates_page_bp
from shared.db import make_engine, make_session_factory
from shared.flask_sessions import install_sessions
from shared.http_limits import RequestLimits
from shared.operations import install_operations
from shared.problems import install_problem_handlers
from shared.redis_client import settings_client
from shared.settings import Settings, load_settings
from shared.wal_checkpoint import WalCheckpointer, is_file_sqlite

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, watch_changes: bool = True) -> Flask:
    """The feed service. ``watch_changes`` runs the thread that drops stale feeds
    (and ``latest`` rates answers) from memory, and on SQLite the one that
    checkpoints its log (shared.wal_checkpoint); without it (tests of one
    process) memory is dropped only when something calls ``forget``."""
    settings = settings or load_settings()
    app = Flask(__name__)
    engine = make_engine(settings.db_url)
    sessions = make_session_factory(engine)
    client = settings_client(settings, socket_timeout=2, socket_connect_timeout=1)
    # The copies hold SILKFEED_CACHE_MAX_BYTES at most, together: three
    # quarters for feeds (query variants included), the rest for rates answers.
    latest_rates = LatestRatesMemory(
        settings.rates_latest_entries, max_bytes=settings.cache_max_bytes // 4
    )
    memory = FeedMemory(
        sessions,
        client,
        settings.key_prefix,
        others=[latest_rates],
        max_bytes=settings.cache_max_bytes - settings.cache_max_bytes // 4,
        sqlite_file=str(engine.url.database) if is_file_sqlite(engine.url) else None,
    )
    checkpointer = WalCheckpointer(engine)
    # Made before the watcher starts: it sets the watcher's stale-note listener.
    documents = FeedDocuments(settings, memory, client, sessions)
    if watch_changes:
        memory.start()
        checkpointer.start()
    app.extensions["silkfeed"] = {
        "settings": settings,
        "engine": engine,
        "documents": documents,
        "memory": memory,
        "checkpointer": checkpointer,
        "latest_rates": latest_rates,
    }
    install_problem_handlers(app)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(rates_bp)
    app.register_blueprint(rates_page_bp)
    install_hub(app, settings, client)

    install_sessions(app, sessions)

    install_operations(
        app, "feed", engine, client, settings,
        extra=[HubCollector(engine, client, settings.key_prefix)],
    )

    app.wsgi_app = RequestLimits(  # type: ignore[method-assign]
        FastPath(app.wsgi_app, documents),
        settings.http_max_url_bytes,
        settings.http_max_header_bytes,
    )
    return app
