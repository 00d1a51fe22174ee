"""Readiness checks shared by the HTTP services: can we reach the database and Redis?"""

from __future__ import annotations

import redis
from sqlalchemy import Engine, text


def readiness(engine: Engine, redis_url: str) -> tuple[dict[str, object], bool]:
    checks: dict[str, str] = {}
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"unavailable: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    try:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        client.close()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"unavailable: {type(exc).__name__}: {str(exc)[:200]}"
    ok = all(v == "ok" for v in checks.values())
    return {"status": "ready" if ok else "not ready", "checks": checks}, ok
