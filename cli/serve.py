"""``silkfeed serve ROLE``: run one HTTP service on the address its settings give.

Both services run on granian: its Rust HTTP layer answers held feeds at
several times gunicorn's rate, and it reads request headers on an event loop,
so a client that sends its header slowly costs a socket, not a worker thread,
and is dropped after ``SILKFEED_HTTP_HEADER_TIMEOUT`` seconds. The ingest API,
which takes request bodies, is served as ASGI behind a front that reads them
under ``SILKFEED_HTTP_BODY_TIMEOUT`` and ``SILKFEED_HTTP_BODY_MIN_RATE``.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import click

from shared.logs import logging_dict
from shared.settings import Settings, load_settings


def granian_options(settings: Settings, role: str) -> dict[str, Any]:
    """The server's options for ``role`` (``feed`` or ``ingest-api``)."""
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings

    # The ingest API reads request bodies on the event loop under a deadline
    # (services.ingest.body_front), so it is served as ASGI; its Flask
    # application runs in the front's own thread pool.
    target, port, interface = {
        "feed": ("services.feed.wsgi:app", settings.feed_port, Interfaces.WSGI),
        "ingest-api": ("services.ingest.asgi:app", settings.ingest_port, Interfaces.ASGI),
    }[role]
    return {
        "target": target,
        "address": settings.bind_host,
        "port": port,
        "interface": interface,
        "http": HTTPModes.http1,
        "http1_settings": HTTP1Settings(
            header_read_timeout=settings.http_header_timeout * 1000,
            # Beyond this the server itself answers 431 (with no body); the
            # application's own, smaller limit answers with a problem document.
            max_buffer_size=max(64 * 1024, 4 * settings.http_max_header_bytes),
        ),
        "workers": settings.web_workers,
        # Requests wait on the database (a cold feed, a POST's commit): a few
        # threads per process; slow clients never hold one while sending headers.
        # (ASGI takes one: the ingest front runs its own pool of 4.)
        "blocking_threads": 4 if interface == Interfaces.WSGI else 1,
        # Not task_impl=rust, though it saved about a sixth of the ingest API's
        # CPU per POST: its stand-in task cannot be cancelled, so the front's
        # body deadline (asyncio.timeout) could never cut off a trickling client.
        # Neither runtime_mode=st nor a shorter GIL switch interval changed a
        # POST's latency or CPU measurably.
        "respawn_failed_workers": True,
        # Warm shutdown: requests in flight finish on SIGTERM, within this.
        "workers_kill_timeout": 20,
        # The application writes its own access log, secrets masked (shared.access_log).
        "log_access": False,
        "log_dictconfig": logging_dict(role, settings, ["_granian", "granian.access"]),
    }


def serve_role(settings: Settings, role: str) -> None:
    from granian import Granian

    options = granian_options(settings, role)
    Granian(options.pop("target"), **options).serve()


def serve_feed(settings: Settings) -> None:
    serve_role(settings, "feed")


def serve_ingest(settings: Settings) -> None:
    serve_role(settings, "ingest-api")


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
