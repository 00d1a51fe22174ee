"""Readiness checks shared by the HTTP services: can we reach the database and Redis?

The answer (unauthenticated) says which dependency is down, never why: the
error names hosts and ports, so it goes to the log only.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine, text

from shared.redis_client import settings_client
from shared.settings import Settings

log = logging.getLogger(__name__)


def readiness(engine: Engine, settings: Settings) -> tuple[dict[str, object], bool]:
    checks: dict[str, str] = {}
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        log.warning("readiness: the database is unavailable: %s: %.300s", type(exc).__name__, exc)
        checks["database"] = "unavailable"
    try:
        client = settings_client(settings, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        client.close()
        checks["redis"] = "ok"
    except Exception as exc:
        log.warning("readiness: Redis is unavailable: %s: %.300s", type(exc).__name__, exc)
        checks["redis"] = "unavailable"
    ok = all(v == "ok" for v in checks.values())
    return {"status": "ready" if ok else "not ready", "checks": checks}, ok
