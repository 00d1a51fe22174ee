"""WSGI entry point for granian: ``services.ingest.wsgi:app``."""

from services.ingest.app import create_app
from shared.logs import configure_logging
from shared.settings import load_settings

settings = load_settings()
configure_logging("ingest-api", settings)
app = create_app(settings)
