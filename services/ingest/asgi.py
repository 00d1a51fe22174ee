"""ASGI entry point for granian: ``services.ingest.asgi:app``.

The Flask application behind the body-reading front of
``services.ingest.body_front``; see there why.
"""

from services.ingest.app import create_app
from services.ingest.body_front import BodyFront, BodyLimits
from shared.logs import configure_logging
from shared.settings import load_settings

# Threads per process running the Flask application: requests wait on the
# database (a POST's commit), never on a client.
THREADS = 4

settings = load_settings()
configure_logging("ingest-api", settings)
app = BodyFront(
    create_app(settings, access_log=False),
    BodyLimits(
        max_bytes=settings.max_body_bytes,
        timeout=settings.http_body_timeout,
        min_rate=settings.http_body_min_rate,
    ),
    THREADS,
)
