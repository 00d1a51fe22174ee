"""The operators' endpoints every HTTP service has: /healthz, /readyz, /metrics."""

from __future__ import annotations

import redis
from flask import Flask, Response
from sqlalchemy import Engine

from shared.health import readiness
from shared.metrics import HTTP_RESPONSES, StateCollector, render_metrics
from shared.settings import Settings


def install_operations(
    app: Flask, service: str, engine: Engine, client: redis.Redis, settings: Settings
) -> None:
    state = StateCollector(engine, client, settings.key_prefix)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> tuple[dict[str, object], int]:
        doc, ok = readiness(engine, settings)
        return doc, 200 if ok else 503

    @app.get("/metrics")
    def metrics() -> Response:
        body, content_type = render_metrics(state)
        return Response(body, content_type=content_type)

    @app.after_request
    def _count(response: Response) -> Response:
        HTTP_RESPONSES.labels(service, str(response.status_code)).inc()
        return response
