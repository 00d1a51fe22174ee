"""Structured logging: JSON lines (text on a terminal), each carrying the service
and, while handling one, the submission id — so one grep follows a page."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime

from shared.settings import Settings

submission_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "submission_id", default=None
)


class _ContextFilter(logging.Filter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.submission_id = getattr(record, "submission_id", None) or submission_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        doc = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": getattr(record, "service", None),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if getattr(record, "submission_id", None):
            doc["submission_id"] = record.submission_id  # type: ignore[attr-defined]
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        sid = getattr(record, "submission_id", None)
        base = f"{record.levelname:<7} {record.name}: {record.getMessage()}"
        if sid:
            base += f" [submission={sid}]"
        if record.exc_info:
            base += "\n" + self.formatException(record.exc_info)
        return base


def _use_json(settings: Settings) -> bool:
    return settings.log_format == "json" or (
        settings.log_format == "auto" and not sys.stderr.isatty()
    )


def configure_logging(service: str, settings: Settings) -> None:
    """Route every logger to stderr in the configured format."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if _use_json(settings) else TextFormatter())
    handler.addFilter(_ContextFilter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)


def logging_dict(service: str, settings: Settings, loggers: list[str]) -> dict[str, object]:
    """The same set-up as a dictConfig, for servers that configure logging themselves."""
    formatter = JsonFormatter if _use_json(settings) else TextFormatter
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": _ContextFilter, "service": service}},
        "formatters": {"silkfeed": {"()": formatter}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "silkfeed",
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["stderr"], "level": settings.log_level},
        "loggers": {
            name: {"handlers": ["stderr"], "level": settings.log_level, "propagate": False}
            for name in loggers
        },
    }
