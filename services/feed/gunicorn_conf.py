"""gunicorn config of the feed service: ``gunicorn --config python:services.feed.gunicorn_conf``."""

from shared.gunicorn_options import gunicorn_options
from shared.settings import load_settings

_settings = load_settings()
globals().update(gunicorn_options(_settings, "feed", _settings.feed_port))
