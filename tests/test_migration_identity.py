"""Migration 0008: articles are keyed per source. Stored articles are kept as they
are, their tags too; afterwards two sources may each hold an article of one headline, one source
may not hold two."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from shared.db import make_engine
from shared.migrate import upgrade
from tests.support.databases import postgres_database, sqlite_database

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)

SUBMISSION = text(
    "INSERT INTO submissions (id, body, body_sha256, media_type, source, status, attempts,"
    " received_at, article_count, new_article_count, updated_article_count, rate_count)"
    " VALUES ('s1', :body, 'sha', 'text/plain', 'timesca', 'done', 1, :now, 1, 1, 0, 0)"
)
ARTICLE = text(
    "INSERT INTO articles (guid, identity_key, title, paragraphs, content_sha256, source,"
    " position, published_at, updated_at, first_submission_id, last_submission_id)"
    " VALUES (:guid, 'k', 'Tokayev resigns', '[]', 'c', :source, 0, :now, :now, 's1', 's1')"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    ctx = sqlite_database(tmp_path) if request.param == "sqlite" else postgres_database()
    with ctx as url:
        yield url


def test_articles_are_keyed_per_source_after_0008(empty_database: str) -> None:
    upgrade(empty_database, "0007")
    engine = make_engine(empty_database)
    try:
        with engine.begin() as conn:
            conn.execute(SUBMISSION, {"body": b"page", "now": NOW})
            conn.execute(ARTICLE, {"guid": "urn:uuid:1", "source": "timesca", "now": NOW})
            conn.execute(
                text(
                    "INSERT INTO article_tags (article_id, tag)"
                    " SELECT id, 'kazakhstan' FROM articles WHERE guid = 'urn:uuid:1'"
                )
            )
        upgrade(empty_database, "0008")
        with engine.begin() as conn:
            kept = conn.execute(text("SELECT guid, source, title FROM articles")).all()
            assert [tuple(row) for row in kept] == [("urn:uuid:1", "timesca", "Tokayev resigns")]
            # SQLite copies the table to change its constraints: the rows that
            # refer to it (with ON DELETE CASCADE) stay.
            tags = conn.execute(
                text(
                    "SELECT a.guid, t.tag FROM article_tags t JOIN articles a ON a.id = t.article_id"
                )
            ).all()
            assert [tuple(row) for row in tags] == [("urn:uuid:1", "kazakhstan")]
            conn.execute(ARTICLE, {"guid": "urn:uuid:2", "source": "kabar", "now": NOW})
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(ARTICLE, {"guid": "urn:uuid:3", "source": "kabar", "now": NOW})
    finally:
        engine.dispose()
