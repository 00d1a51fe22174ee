"""Running a WSGI application from ASGI: the environ of a request whose body is
already in memory, and one complete call of the application in a thread.

The application's answers here are small JSON documents, so an answer is
collected whole in the thread and sent afterwards; nothing streams.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
Scope = dict[str, Any]


@dataclass(slots=True)
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name), None)


def header_value(scope: Scope, name: bytes) -> str | None:
    """The request header ``name`` (lower case), duplicates joined with commas."""
    values = [v.decode("latin-1") for k, v in scope["headers"] if k.lower() == name]
    return ",".join(values) if values else None


def build_environ(scope: Scope, body: bytes, content_length: str | None) -> dict[str, Any]:
    """A PEP 3333 environ for ``scope``; ``wsgi.input`` holds ``body``."""
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("-", 0)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", "").encode("utf-8").decode("latin-1"),
        "PATH_INFO": scope["path"].encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]) if server[1] is not None else "80",
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": str(client[0]),
        "REMOTE_PORT": str(client[1]),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    environ.update(header_fields(scope))
    if content_length is not None:
        environ["CONTENT_LENGTH"] = content_length
    return environ


def header_fields(scope: Scope) -> dict[str, str]:
    """The environ's header entries (``CONTENT_TYPE``, ``HTTP_*``) for ``scope``,
    duplicates joined with commas; without the body's framing (its length is
    the caller's to set: the body is whole by then)."""
    fields: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1").lower()
        if name in ("content-length", "transfer-encoding"):
            continue
        key = "CONTENT_TYPE" if name == "content-type" else "HTTP_" + name.upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        fields[key] = f"{fields[key]},{value}" if key in fields else value
    return fields


def call_wsgi(app: WSGIApp, environ: dict[str, Any]) -> Answer:
    """Call ``app`` once and collect its whole answer (run in a worker thread)."""
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        if exc_info is not None and seen:
            raise exc_info[1].with_traceback(exc_info[2])
        seen["status"] = int(status.split(" ", 1)[0])
        seen["headers"] = list(headers)
        return _no_write

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return Answer(seen["status"], seen["headers"], body)


def _no_write(_data: bytes) -> None:
    raise RuntimeError("the write() callable of WSGI is not supported")
