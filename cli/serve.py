"""``silkfeed serve ROLE``: run one HTTP service on the address its settings give.

The feed service runs on granian, whose Rust HTTP layer answers held feeds at
several times gunicorn's rate; the ingest API runs on gunicorn, whose pre-fork
model and graceful shutdown suit a write endpoint that does little per request.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import click

from shared.gunicorn_options import gunicorn_options
from shared.logs import logging_dict
from shared.settings import Settings, load_settings


def serve_feed(settings: Settings) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    Granian(
        "services.feed.wsgi:app",
        address=settings.bind_host,
        port=settings.feed_port,
        interface=Interfaces.WSGI,
        workers=settings.web_workers,
        # Requests wait on the database only on a cold feed; a few threads suffice.
        blocking_threads=4,
        respawn_failed_workers=True,
        log_access=False,
        log_dictconfig=logging_dict("feed", settings, ["_granian", "granian.access"]),
    ).serve()


def serve_ingest(settings: Settings) -> None:
    from gunicorn.app.base import BaseApplication
    from gunicorn.util import import_app

    class IngestServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options = gunicorn_options(settings, "ingest-api", settings.ingest_port)
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self) -> Any:
            # By name, as for granian: shared/ never imports a service.
            return import_app("services.ingest.wsgi:app")

    IngestServer().run()


def prepare_metrics_dir(settings: Settings, role: str) -> None:
    """Give this service's processes a fresh multiprocess metrics directory.

    Set before any worker process imports prometheus_client, so every process
    writes its counters there and /metrics adds them up.
    """
    path = settings.data_dir.resolve() / "run" / "metrics" / role
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)


@click.command("serve")
@click.argument("role", type=click.Choice(["feed", "ingest-api"]))
def serve(role: str) -> None:
    """Run the feed service or the ingest API in the foreground."""
    settings = load_settings()
    if role == "ingest-api" and not settings.ingest_tokens:
        # Before any server process starts: one clear line, and a non-zero exit.
        raise click.ClickException(
            "SILKFEED_INGEST_TOKENS is empty: the ingest API needs one or more "
            "comma-separated tokens of at least 16 characters"
        )
    prepare_metrics_dir(settings, role)
    if role == "feed":
        serve_feed(settings)
    else:
        serve_ingest(settings)
