"""The feed URLs: stored documents with validators, or a readable page for browsers."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, render_template, request

from services.feed import catalog
from services.feed.documents import FeedDocuments
from services.feed.negotiation import wants_html
from services.feed.paths import feed_url, parse_feed_path, url_path
from services.feed.render import FORMATS, MEDIA_TYPES, content_html
from shared.feed_names import FeedSpec

bp = Blueprint("feeds", __name__)


def documents() -> FeedDocuments:
    return current_app.extensions["silkfeed"]["documents"]  # type: ignore[no-any-return]


@bp.route("/feeds/<path:rest>", methods=["GET", "HEAD"])
def feed(rest: str) -> Response:
    path = parse_feed_path("/feeds/" + rest)
    if path is None:
        abort(404, description=f"no feed at /feeds/{rest}")
    docs = documents()
    stored = docs.find(g.session, path, request.args)
    if wants_html(request.headers.get("Accept")):
        return html_view(path.spec, path.fmt, stored.key)
    status, headers, body = stored.answer(
        request.headers.get("If-None-Match"),
        request.headers.get("If-Modified-Since"),
        request.headers.get("Accept-Encoding"),
    )
    response = Response(body if request.method == "GET" else b"", status=status)
    response.headers.clear()
    for name, value in headers:
        response.headers[name] = value
    return response


def html_view(spec: FeedSpec, fmt: str, key: str) -> Response:
    """What a person sees on opening a feed URL: the entries, and how to subscribe."""
    settings = documents().settings
    entries = catalog.entries(g.session, settings, spec, settings.feed_page_size)
    page = render_template(
        "feed.html",
        title=catalog.title(spec),
        feed_path=url_path(spec),
        fmt=fmt,
        base=settings.base_url,
        entries=entries,
        formats=FORMATS,
        media_types=MEDIA_TYPES,
        feed_url=feed_url(settings, spec, fmt),
        content_html=content_html,
    )
    response = Response(page, mimetype="text/html")
    response.headers["Vary"] = "Accept, Accept-Encoding"
    response.headers["Cache-Control"] = documents().cache_control
    return response
