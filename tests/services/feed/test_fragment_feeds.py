"""Every kind of feed, assembled from kept entries and fragments, is the full render's bytes.

The full render is what the feed worker did before fragments: every entry
read in full from the database and every document built whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from services.feed import entries as entries_module
from services.feed import publish
from services.feed.query import FeedQuery
from services.feed.render import FORMATS, clear_fragments, render_formats
from services.feed.render import prepare as prep
from shared.db import make_engine, make_session_factory
from shared.feed_names import FeedSpec
from shared.settings import Settings
from tests.conftest import FIXTURES
from tests.support.content import ingest, page

FEEDS = [
    "articles",
    "source:test",
    "source:other",
    "tag:kazakhstan",
    "tag:uzbekistan",
    "rates",
    "pair:KGS-USD",
    "pair:KZT-USD",
    "rates-moves",
]


@pytest.fixture
def session(small_settings: Settings) -> Iterator[Session]:
    engine = make_engine(small_settings.db_url)
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


def full_render(
    session: Session,
    settings: Settings,
    spec: FeedSpec,
    page_no: int | None,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[dict[str, bytes], datetime]:
    entries_module.clear_entries()
    clear_fragments()
    prep.clear_prepared()
    with monkeypatch.context() as patch:
        patch.setattr(publish, "assemble_formats", render_formats)
        return build(session, settings, spec, page_no)


def build(
    session: Session, settings: Settings, spec: FeedSpec, page_no: int | None
) -> tuple[dict[str, bytes], datetime]:
    """The subscription document (None), an archive page (1…), or a search (0)."""
    if page_no == 0:
        query = FeedQuery(limit=3, words=("story",))
        return publish.build_current(session, settings, spec, query)
    if page_no is None:
        return publish.build_current(session, settings, spec)
    pages = publish.full_archive_pages(session, settings, spec)
    return publish.build_archive(session, settings, spec, page_no, pages)


def documents(session: Session, settings: Settings) -> list[tuple[FeedSpec, int | None]]:
    found: list[tuple[FeedSpec, int | None]] = []
    for name in FEEDS:
        spec = FeedSpec.parse(name)
        pages = publish.full_archive_pages(session, settings, spec)
        found += [(spec, None), (spec, 0)] + [(spec, p) for p in range(1, pages + 1)]
    return found


def check_all(session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> int:
    """Render every document twice, incrementally (caches as they are) then in full."""
    incremental = {key: build(session, settings, *key) for key in documents(session, settings)}
    for (spec, page_no), (docs, newest) in incremental.items():
        full, full_newest = full_render(session, settings, spec, page_no, monkeypatch)
        assert newest == full_newest
        for fmt in FORMATS:
            assert docs[fmt] == full[fmt], f"{spec.name} page {page_no} {fmt} differs"
    # The caches are now full of entries of the last full render: once more, from them.
    for (spec, page_no), (docs, _) in incremental.items():
        assert build(session, settings, spec, page_no)[0] == docs
    return len(incremental)


def ticker_page(prefix: str, n: int, kgs: str, extra: str = "") -> bytes:
    return page(prefix, n, extra=extra).replace(b"0.01144", kgs.encode())


def test_every_feed_and_archive_page_is_the_full_render_through_edits(
    small_settings: Settings, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = small_settings
    ingest(settings, ticker_page("First", 6, "0.01144"), render=False)
    ingest(settings, ticker_page("Second", 4, "0.01300"), source="other", render=False)
    # Russian articles too: feeds of one language and of several.
    ingest(settings, (FIXTURES / "pages" / "russian.txt").read_bytes(), render=False)
    assert check_all(session, settings, monkeypatch) >= 12
    # Edits: new text, a new tag (Uzbekistan), a changed rate; caches hold the old versions.
    ingest(
        settings,
        ticker_page("First", 6, "0.01000", extra="Talks in Uzbekistan went on."),
        render=False,
    )
    session.expire_all()
    docs = build(session, settings, FeedSpec.parse("tag:uzbekistan"), None)[0]
    assert b"Talks in Uzbekistan" in docs["atom"]
    assert check_all(session, settings, monkeypatch) >= 14
    # A different public URL is in every link: nothing kept for the old one is used.
    moved = settings.model_copy(update={"public_url": "https://elsewhere.example"})
    before = build(session, settings, FeedSpec.articles(), None)[0]
    after = build(session, moved, FeedSpec.articles(), None)[0]
    assert b"feeds.example.test" in before["atom"]
    assert b"feeds.example.test" not in after["atom"] and b"elsewhere.example" in after["rss"]
    check_all(session, moved, monkeypatch)


def test_an_edit_reads_and_renders_only_the_changed_article(
    small_settings: Settings, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(small_settings, page("Only", 5), render=False)
    build(session, small_settings, FeedSpec.articles(), None)
    ingest(small_settings, page("Only", 5, extra="A correction."), render=False)
    session.expire_all()
    made: list[str] = []
    real = entries_module._article_entry

    def counting(article, tags, base_url):  # type: ignore[no-untyped-def]
        made.append(article.title)
        return real(article, tags, base_url)

    monkeypatch.setattr(entries_module, "_article_entry", counting)
    docs = build(session, small_settings, FeedSpec.articles(), None)[0]
    # The page's five articles all changed; an unchanged page changes nothing.
    assert sorted(made) == sorted(f"Only Story Number {i} From Almaty" for i in range(5))
    assert docs["json"].count(b"A correction.") == 10  # in each summary and content
    made.clear()
    build(session, small_settings, FeedSpec.articles(), None)
    assert made == []


def test_an_entrys_tags_are_read_in_the_order_of_article_tags(
    settings: Settings, session: Session
) -> None:
    from sqlalchemy import select

    from shared.models import Article, ArticleTag

    ingest(settings, page("Tagged", 2), render=False)
    first, second = session.scalars(select(Article).order_by(Article.id)).all()
    for tag in ("Zeta", "alpha", "Ärger", "zeta", "-x", "Alpha 2"):
        session.add(ArticleTag(article_id=first.id, tag=tag))
    session.execute(ArticleTag.__table__.delete().where(ArticleTag.article_id == second.id))
    session.commit()
    entries_module.clear_entries()
    read = entries_module.current_articles(session, FeedSpec.articles(), settings.base_url, 10)
    session.expire_all()
    by_guid = {entry.guid: entry.tags for entry in read}
    for article in (first, second):
        assert by_guid[article.guid] == tuple(t.tag for t in article.tags)
    assert by_guid[second.guid] == ()
    session.commit()
