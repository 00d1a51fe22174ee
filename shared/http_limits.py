"""Request-line and header limits in front of both HTTP services, answered as
problem documents.

The HTTP server (granian) refuses a header block over its read buffer itself,
with an empty 431, and drops a connection whose header is not complete within
its header timeout. Below that, this layer refuses a URL or a header block
over the configured sizes with a JSON problem document, as every other error.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from typing import Any

from shared.problems import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_BASE

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def problem_bytes(status: int, detail: str, kind: str, **extra: Any) -> bytes:
    doc = {
        "type": PROBLEM_TYPE_BASE + kind,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extra,
    }
    return json.dumps(doc).encode()


def header_bytes(environ: Mapping[str, Any]) -> int:
    """The size of the request's header fields, as ``name: value`` lines."""
    total = 0
    for key, value in environ.items():
        if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            total += len(key) - (5 if key.startswith("HTTP_") else 0) + 4 + len(str(value))
    return total


class RequestLimits:
    def __init__(self, app: WSGIApp, max_url_bytes: int, max_header_bytes: int) -> None:
        self.app = app
        self.max_url_bytes = max_url_bytes
        self.max_header_bytes = max_header_bytes

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        url = len(environ.get("PATH_INFO", "")) + len(environ.get("QUERY_STRING", "")) + 1
        refusal = self.refusal(url, environ)
        if refusal is not None:
            return self._refuse(start_response, *refusal)
        return self.app(environ, start_response)

    def refusal(
        self, url_bytes: int, fields: Mapping[str, Any]
    ) -> tuple[int, str, str, int] | None:
        """The status, detail, kind and limit refusing a request whose URL (path,
        ``?`` and query) has ``url_bytes`` and whose environ header entries are
        ``fields``; None when it is within both limits."""
        if url_bytes > self.max_url_bytes:
            return (
                414,
                f"the URL is longer than {self.max_url_bytes} bytes",
                "uri-too-long",
                self.max_url_bytes,
            )
        if header_bytes(fields) > self.max_header_bytes:
            return (
                431,
                f"the request's header fields are larger than {self.max_header_bytes} bytes",
                "header-fields-too-large",
                self.max_header_bytes,
            )
        return None

    @staticmethod
    def _refuse(
        start_response: StartResponse, status: int, detail: str, kind: str, limit: int
    ) -> list[bytes]:
        body = problem_bytes(status, detail, kind, limit=limit)
        start_response(
            f"{status} {HTTPStatus(status).phrase}",
            [
                ("Content-Type", PROBLEM_MEDIA_TYPE),
                ("Content-Length", str(len(body))),
                ("Connection", "close"),
            ],
        )
        return [body]
