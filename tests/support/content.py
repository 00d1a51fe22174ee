"""Putting content in a test database the way the workers do, without the queue."""

from __future__ import annotations

from sqlalchemy import select

from services.feed.publish import render_and_store
from services.rates.store import store_snapshot
from shared.db import make_engine, make_session_factory
from shared.feed_names import FeedSpec
from shared.models import ArticleTag
from shared.settings import Settings
from tests.support.submissions import process_page


def page(title_prefix: str, n: int, day: str = "15 December 2025", extra: str = "") -> bytes:
    """A page in the sample's format with ``n`` articles, one ticker and a date line."""
    lines = ["• KGS/USD = 0.01144 0%", "• KZT/USD = 0.00192 -0%", day, ""]
    for i in range(n):
        lines += [
            f"{title_prefix} Story Number {i} From Almaty",
            "",
            f"Officials in Kazakhstan said on Monday that story {i} of the {title_prefix} "
            f"series was developing. {extra}".strip(),
            "",
            "A second paragraph follows, with more detail about the regional economy.",
            "",
        ]
    return "\n".join(lines).encode()


def ingest(
    settings: Settings,
    body: bytes,
    source: str = "test",
    media_type: str = "text/plain",
    render: bool = True,
) -> str:
    """Store, process and (like the feed worker) render; returns the submission id."""
    engine = make_engine(settings.db_url)
    sessions = make_session_factory(engine)
    with sessions() as session:
        sub_id, outcome = process_page(session, body, media_type, source)
        if outcome.snapshot is not None:
            store_snapshot(session, outcome.snapshot)
        if render:
            render_all(session, settings)
    engine.dispose()
    return sub_id


def render_all(session, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    names = ["articles", "rates"]
    names += [f"tag:{t}" for t in session.scalars(select(ArticleTag.tag).distinct())]
    for name in names:
        render_and_store(session, settings, FeedSpec.parse(name))
