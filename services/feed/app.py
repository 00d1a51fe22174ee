"""The feed service readers hit: stored feed bytes with validators, the index, the rates API."""

from __future__ import annotations

import gzip
import logging
import re

import redis
from flask import Flask, Response, abort, g, render_template, request
from sqlalchemy import select

from services.feed import publish
from services.feed.conditional import not_modified
from services.feed.entries import FeedSpec, article_entries, feed_exists
from services.feed.rates_api import bp as rates_bp
from services.feed.render import FORMATS, MEDIA_TYPES
from shared.db import make_engine, make_session_factory
from shared.health import readiness
from shared.models import ArticleTag, RenderedFeed
from shared.problems import install_problem_handlers
from shared.settings import Settings, load_settings

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or load_settings()
    app = Flask(__name__)
    engine = make_engine(settings.db_url)
    sessions = make_session_factory(engine)
    redis_client = redis.Redis.from_url(
        settings.redis_url, socket_timeout=2, socket_connect_timeout=1
    )
    cache_control = f"public, max-age={settings.feed_max_age}"
    app.extensions["silkfeed"] = {"settings": settings, "engine": engine}
    install_problem_handlers(app)
    app.register_blueprint(rates_bp)

    @app.before_request
    def _open_session() -> None:
        g.session = sessions()

    @app.teardown_request
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("session", None)
        if session is not None:
            session.close()

    def stored(spec: FeedSpec, fmt: str) -> RenderedFeed:
        key = publish.feed_key(spec, fmt)
        row = g.session.get(RenderedFeed, key)
        if row is not None:
            return row
        if not feed_exists(g.session, spec):
            abort(404, description=f"no feed {spec.path}.{fmt}")
        # A cold feed is rendered once: concurrent requests wait on one lock.
        lock_name = f"{settings.key_prefix}render-lock:{spec.name}"
        try:
            lock = redis_client.lock(lock_name, timeout=60, blocking_timeout=30)
            acquired = lock.acquire()
        except redis.RedisError:
            lock, acquired = None, False
        try:
            g.session.expire_all()
            row = g.session.get(RenderedFeed, key)
            if row is None:
                publish.render_and_store(g.session, settings, spec)
                row = g.session.get(RenderedFeed, key)
        finally:
            if lock is not None and acquired:
                try:
                    lock.release()
                except redis.RedisError:
                    log.warning("could not release %s", lock_name)
        assert row is not None
        return row

    def serve(spec: FeedSpec, fmt: str) -> Response:
        if fmt not in FORMATS:
            abort(404, description=f"unknown feed format {fmt!r}")
        row = stored(spec, fmt)
        headers = {
            "ETag": row.etag,
            "Last-Modified": row.last_modified.strftime("%a, %d %b %Y %H:%M:%S GMT"),
            "Cache-Control": cache_control,
            "Vary": "Accept-Encoding",
        }
        if not_modified(
            row.etag,
            row.last_modified,
            request.headers.get("If-None-Match"),
            request.headers.get("If-Modified-Since"),
        ):
            return Response(status=304, headers=headers)
        body = row.body
        if "gzip" in request.headers.get("Accept-Encoding", "").lower():
            body = gzip.compress(body, compresslevel=6, mtime=0)
            headers["Content-Encoding"] = "gzip"
        return Response(body, status=200, headers=headers, content_type=row.content_type)

    @app.get("/feeds/articles.<fmt>")
    def articles_feed(fmt: str) -> Response:
        return serve(FeedSpec.parse("articles"), fmt)

    @app.get("/feeds/rates.<fmt>")
    def rates_feed(fmt: str) -> Response:
        return serve(FeedSpec.parse("rates"), fmt)

    @app.get("/feeds/rates-moves.<fmt>")
    def rate_moves_feed(fmt: str) -> Response:
        return serve(FeedSpec.parse("rates-moves"), fmt)

    @app.get("/feeds/rates/<pair>.<fmt>")
    def rate_pair_feed(pair: str, fmt: str) -> Response:
        if not re.fullmatch(r"[A-Z]{3}-[A-Z]{3}", pair):
            abort(404, description=f"no feed for pair {pair!r}; pairs look like KGS-USD")
        return serve(FeedSpec("pair:" + pair, "pair", pair), fmt)

    @app.get("/feeds/tags/<tag>.<fmt>")
    def tag_feed(tag: str, fmt: str) -> Response:
        return serve(FeedSpec("tag:" + tag, "tag", tag), fmt)

    @app.get("/feeds/sources/<source>.<fmt>")
    def source_feed(source: str, fmt: str) -> Response:
        return serve(FeedSpec("source:" + source, "source", source), fmt)

    @app.get("/")
    def index() -> str:
        tags = g.session.scalars(select(ArticleTag.tag).distinct().order_by(ArticleTag.tag)).all()
        latest = article_entries(g.session, FeedSpec.parse("articles"), settings.base_url, 20)
        return render_template(
            "index.html",
            base=settings.base_url,
            tags=tags,
            latest=latest,
            formats=FORMATS,
            media_types=MEDIA_TYPES,
        )

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> tuple[dict[str, object], int]:
        doc, ok = readiness(engine, settings.redis_url)
        return doc, 200 if ok else 503

    return app
