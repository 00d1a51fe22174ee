"""ASGI entry point for granian: ``services.ingest.asgi:app``.

The Flask application behind the body-reading front of
``services.ingest.body_front``; see there why. The two submission routes are
answered by the front itself (``services.ingest.direct``).
"""

from services.ingest.app import create_app
from services.ingest.body_front import BodyFront, BodyLimits
from services.ingest.direct import DirectRoutes
from shared.http_limits import RequestLimits
from shared.logs import configure_logging
from shared.settings import load_settings

# Threads per process running the Flask application: requests wait on the
# database (a POST's commit), never on a client.
THREADS = 4

settings = load_settings()
configure_logging("ingest-api", settings)
flask_app = create_app(settings, access_log=False)
app = BodyFront(
    flask_app,
    BodyLimits(
        max_bytes=settings.max_body_bytes,
        timeout=settings.http_body_timeout,
        min_rate=settings.http_body_min_rate,
    ),
    THREADS,
    # POST and GET of submissions without Flask; the URL and header limits
    # first, as in front of the application.
    direct=DirectRoutes(
        flask_app,
        RequestLimits(flask_app, settings.http_max_url_bytes, settings.http_max_header_bytes),
    ),
)
