"""The files a stack keeps in its data directory: its run directory, the ingest
token it generated, and the URL of a Redis it started itself."""

from __future__ import annotations

import secrets
from pathlib import Path

from shared.settings import Settings

# Written by `stack run` only while it runs on a Redis it started itself.
PRIVATE_REDIS_FILE = "redis-url"


def run_dir(settings: Settings) -> Path:
    path = settings.data_dir.resolve() / "run"
    path.mkdir(parents=True, exist_ok=True)
    return path


def private_redis_file(settings: Settings) -> Path:
    """Where a running stack that started its own Redis says at which URL (the
    directory is not made: a command that only looks must leave no trace)."""
    return settings.data_dir.resolve() / "run" / PRIVATE_REDIS_FILE


def ingest_token(settings: Settings) -> str:
    """The configured token, or one generated once and kept in the data directory."""
    if settings.ingest_tokens:
        return settings.ingest_tokens[0].get_secret_value()
    path = settings.data_dir.resolve() / "ingest-token"
    if path.exists():
        return path.read_text().strip()
    token = secrets.token_urlsafe(24)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(token + "\n")
    return token
