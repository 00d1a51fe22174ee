from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from services.feed.app import create_app
from shared.settings import Settings


@pytest.fixture
def small_settings(settings: Settings) -> Settings:
    """Pages of five entries, so archives appear with a handful of articles."""
    return settings.model_copy(update={"feed_page_size": 5, "feed_max_age": 120})


@pytest.fixture
def feed_app(small_settings: Settings) -> Iterator[Flask]:
    app = create_app(small_settings, watch_changes=False)
    yield app


def forget_all(app: Flask) -> None:
    """What the change announcement does in a running service."""
    memory = app.extensions["silkfeed"]["memory"]
    memory.forget(list(memory._entries))
