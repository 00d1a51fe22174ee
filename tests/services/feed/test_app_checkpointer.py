"""The feed service copies SQLite's log into the database in a thread of its own."""

from __future__ import annotations

from services.feed.app import create_app
from shared.settings import Settings
from shared.wal_checkpoint import is_file_sqlite


def test_the_feed_service_checkpoints_a_sqlite_database_and_nothing_else(
    settings: Settings,
) -> None:
    app = create_app(settings, watch_changes=True)
    parts = app.extensions["silkfeed"]
    checkpointer, engine = parts["checkpointer"], parts["engine"]
    try:
        running = checkpointer._thread is not None and checkpointer._thread.is_alive()
        assert running == is_file_sqlite(engine.url)
        if running:
            busy, _, _ = checkpointer.checkpoint()
            assert busy == 0
    finally:
        checkpointer.stop()
        parts["memory"].stop()
        engine.dispose()
    assert checkpointer._thread is None


def test_without_watching_no_thread_starts(settings: Settings) -> None:
    app = create_app(settings, watch_changes=False)
    assert app.extensions["silkfeed"]["checkpointer"]._thread is None
    app.extensions["silkfeed"]["engine"].dispose()
