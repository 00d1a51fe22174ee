"""An access log line per request, written by the application itself.

Secrets never reach it: the Authorization header is not logged, and the value
of a query parameter that may carry one (``token``, ``access_token``, ``key``,
``api_key``) is masked. Health checks (``/healthz``, hit by orchestrators every
few seconds) are not logged.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

log = logging.getLogger("silkfeed.access")
_SECRET_PARAM = re.compile(r"(?i)(^|&)((?:access_)?token|api_?key|key)=[^&]*")
QUIET_PATHS = frozenset({"/healthz"})


def mask_query(query: str) -> str:
    return _SECRET_PARAM.sub(r"\1\2=***", query)


class AccessLog:
    def __init__(self, app: WSGIApp, quiet_paths: frozenset[str] = QUIET_PATHS) -> None:
        self.app = app
        self.quiet_paths = quiet_paths

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path in self.quiet_paths or not log.isEnabledFor(logging.INFO):
            return self.app(environ, start_response)
        started = time.perf_counter()
        seen: dict[str, str] = {}

        def recording(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            seen["status"] = status.split(" ", 1)[0]
            seen["bytes"] = next((v for k, v in headers if k.lower() == "content-length"), "-")
            return start_response(status, headers, *exc)

        try:
            return self.app(environ, recording)
        finally:
            query = environ.get("QUERY_STRING", "")
            target = path + ("?" + mask_query(query) if query else "")
            log.info(
                '%s "%s %s %s" %s %s %.1fms',
                environ.get("REMOTE_ADDR", "-"),
                environ.get("REQUEST_METHOD", "-"),
                target[:2048],
                environ.get("SERVER_PROTOCOL", "-"),
                seen.get("status", "500"),
                seen.get("bytes", "-"),
                (time.perf_counter() - started) * 1000,
            )
