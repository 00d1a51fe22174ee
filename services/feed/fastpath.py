"""A WSGI layer in front of Flask that answers feed hits straight from memory.

Most polls are for a handful of feeds the process already holds; answering
them here skips routing, sessions and the database, which is what lets the
service run near the speed of a static file server. Anything it does not hold
— a cold feed, a browser asking for HTML, an odd query — goes to Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from services.feed.documents import FeedDocuments
from services.feed.negotiation import wants_html
from services.feed.paths import parse_feed_path
from shared.metrics import HTTP_RESPONSES
from shared.problems import Problem

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
_REASONS = {200: "200 OK", 304: "304 Not Modified"}
# Bound once: a labelled child per status, so counting costs one increment.
_COUNTERS = {status: HTTP_RESPONSES.labels("feed", str(status)) for status in _REASONS}


# Paths without a query whose key is kept (a reader polls the same few, again
# and again); past this, others are worked out on each request.
MAX_KEPT_KEYS = 1024


class FastPath:
    def __init__(self, app: WSGIApp, documents: FeedDocuments) -> None:
        self.app = app
        self.documents = documents
        # Path → document key, for paths without a query: the key depends on the
        # path alone (and the settings), so each poll need not parse it again.
        self._keys: dict[str, str] = {}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        path_info = environ.get("PATH_INFO", "")
        if (method == "GET" or method == "HEAD") and path_info.startswith("/feeds/"):
            feed = self._held(environ, path_info)
            if feed is not None:
                status, headers, body = feed.answer(
                    environ.get("HTTP_IF_NONE_MATCH"),
                    environ.get("HTTP_IF_MODIFIED_SINCE"),
                    environ.get("HTTP_ACCEPT_ENCODING"),
                )
                start_response(_REASONS[status], headers)
                _COUNTERS[status].inc()
                return [b""] if method == "HEAD" else [body]
        return self.app(environ, start_response)

    def _held(self, environ: dict[str, Any], path_info: str) -> Any:
        if wants_html(environ.get("HTTP_ACCEPT")):
            return None
        query = environ.get("QUERY_STRING", "")
        if query:
            key = self._key(path_info, dict(parse_qsl(query)))
        else:
            key = self._keys.get(path_info)
            if key is None:
                key = self._key(path_info, {})
                if key is not None and len(self._keys) < MAX_KEPT_KEYS:
                    self._keys[path_info] = key
        return None if key is None else self.documents.held(key)

    def _key(self, path_info: str, args: dict[str, str]) -> str | None:
        path = parse_feed_path(path_info)
        if path is None:
            return None
        try:
            return self.documents.key_for(path, args)
        except Problem:
            return None  # Flask answers with the problem document
