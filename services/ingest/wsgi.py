"""Plain WSGI entry point: ``services.ingest.wsgi:app``.

The stack serves the ingest API as ASGI (``services.ingest.asgi``), which
reads request bodies under a deadline; this entry reads them in the server's
worker threads, with no body timeout, and is kept for WSGI servers behind a
proxy that bounds body read time, and to measure the front against.
"""

from services.ingest.app import create_app
from shared.logs import configure_logging
from shared.settings import load_settings

settings = load_settings()
configure_logging("ingest-api", settings)
app = create_app(settings)
