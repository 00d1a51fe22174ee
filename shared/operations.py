"""The operators' endpoints every HTTP service has: /healthz, /readyz, /metrics."""

from __future__ import annotations

from collections.abc import Sequence

import redis
from flask import Flask, Response
from prometheus_client.registry import Collector
from sqlalchemy import Engine

from shared.health import readiness
from shared.metrics import HTTP_RESPONSES, StateCollector, render_metrics
from shared.settings import Settings


def install_operations(
    app: Flask,
    service: str,
    engine: Engine,
    client: redis.Redis,
    settings: Settings,
    extra: Sequence[Collector] = (),
) -> None:
    """``extra``: the service's own collectors, read at each scrape after the shared ones."""
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
        body, content_type = render_metrics(state, *extra)
        return Response(body, content_type=content_type)

    @app.after_request
    def _count(response: Response) -> Response:
        HTTP_RESPONSES.labels(service, str(response.status_code)).inc()
        return response
