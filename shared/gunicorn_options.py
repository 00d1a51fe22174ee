"""gunicorn settings for both HTTP services, derived from silkfeed's own settings."""

from __future__ import annotations

from shared.logs import logging_dict
from shared.settings import Settings


def gunicorn_options(settings: Settings, role: str, port: int) -> dict[str, object]:
    return {
        "bind": [f"{settings.bind_host}:{port}"],
        "workers": settings.web_workers,
        "worker_class": "gthread",
        "threads": 4,
        # Warm shutdown: in-flight requests finish on SIGTERM.
        "graceful_timeout": 20,
        "timeout": 60,
        "accesslog": "-",
        "access_log_format": '%(h)s "%(r)s" %(s)s %(b)s %(M)sms',
        "errorlog": "-",
        "loglevel": settings.log_level.lower(),
        # Gunicorn's own lines (access log included) as the same JSON lines.
        "logconfig_dict": logging_dict(role, settings, ["gunicorn.error", "gunicorn.access"]),
        "proc_name": f"silkfeed-{role}",
        # The default control socket is one path per user: two stacks would collide.
        "control_socket_disable": True,
    }
