"""WSGI entry point for granian: ``services.feed.wsgi:app``."""

from services.feed.app import create_app
from shared.logs import configure_logging
from shared.settings import load_settings

settings = load_settings()
configure_logging("feed", settings)
app = create_app(settings)
