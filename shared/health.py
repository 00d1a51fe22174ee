"""Readiness checks shared by the HTTP services: can we reach the database and Redis?"""

from __future__ import annotations

from sqlalchemy import Engine, text

from shared.redis_client import settings_client
from shared.settings import Settings


def readiness(engine: Engine, settings: Settings) -> tuple[dict[str, object], bool]:
    checks: dict[str, str] = {}
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"unavailable: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    try:
        client = settings_client(settings, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        client.close()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"unavailable: {type(exc).__name__}: {str(exc)[:200]}"
    ok = all(v == "ok" for v in checks.values())
    return {"status": "ready" if ok else "not ready", "checks": checks}, ok
