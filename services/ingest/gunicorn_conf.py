"""gunicorn config of the ingest API: ``gunicorn --config python:services.ingest.gunicorn_conf``."""

from shared.gunicorn_options import gunicorn_options
from shared.settings import load_settings

_settings = load_settings()
globals().update(gunicorn_options(_settings, "ingest-api", _settings.ingest_port))
