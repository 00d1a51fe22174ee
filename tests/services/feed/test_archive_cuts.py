"""Archive pages keep their bounds: entries leaving or joining a tag after pages are
stored leave every entry of the feed on exactly one page."""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.feed import publish
from services.feed.paths import archive_key, feed_key
from shared.feed_names import FeedSpec
from shared.models import Article, ArticleTag, RenderedFeed
from shared.settings import Settings
from tests.support.content import ingest

TAG = FeedSpec.tag("kazakhstan")


def story_page(prefix: str, n: int, country: str = "Kazakhstan") -> bytes:
    lines = ["15 December 2025", ""]
    for i in range(n):
        lines += [
            f"{prefix} Story Number {i} From The Region",
            "",
            f"Officials in {country} said on Monday that story {i} of the {prefix} series "
            "was developing.",
            "",
        ]
    return "\n".join(lines).encode()


def guids(session: Session, key: str) -> list[str]:
    body = session.get(RenderedFeed, key).body  # type: ignore[union-attr]
    return [item["id"] for item in json.loads(body)["items"]]


def members(session: Session, spec: FeedSpec) -> set[str]:
    query = select(Article.guid).join(ArticleTag).where(ArticleTag.tag == spec.value)
    return set(session.scalars(query))


def store_page(session: Session, settings: Settings, spec: FeedSpec, page: int) -> None:
    session.expire_all()
    pages = publish.full_archive_pages(session, settings, spec)
    assert page <= pages
    publish.store_archive(session, settings, spec, page, pages)
    session.commit()


def check_every_entry_on_one_page(session: Session, settings: Settings, spec: FeedSpec) -> int:
    """Render what is missing (every archive page, the current document), then: every
    entry of the feed is on one archive page, or (not archived yet) in the current one."""
    session.expire_all()
    pages = publish.full_archive_pages(session, settings, spec)
    for page in range(1, pages + 1):
        publish.store_archive(session, settings, spec, page, pages)
    publish.render_and_store(session, settings, spec, formats=("json",))
    archived = Counter(
        guid
        for page in range(1, pages + 1)
        for guid in guids(session, archive_key(spec, page, "json"))
    )
    assert max(archived.values(), default=1) == 1, "an entry on two archive pages"
    current = set(guids(session, feed_key(spec, "json")))
    for guid in members(session, spec):
        assert guid in archived or guid in current, f"{guid} is on no page"
    return pages


def test_entries_leaving_and_joining_a_tag_move_no_archive_page(
    small_settings: Settings, session: Session
) -> None:
    settings = small_settings  # five entries a page
    ingest(settings, story_page("Elsewhere", 3, country="Mongolia"), render=False)
    ingest(settings, story_page("Early", 12), render=False)
    store_page(session, settings, TAG, 1)
    first_page = guids(session, archive_key(TAG, 1, "json"))
    # One entry of the stored first page leaves the tag; one article stored before
    # them, untagged until now, joins it.
    leaving = session.scalars(select(Article).where(Article.guid == first_page[2])).one()
    session.execute(
        delete(ArticleTag).where(ArticleTag.article_id == leaving.id, ArticleTag.tag == TAG.value)
    )
    joining = session.scalars(select(Article).where(Article.title.like("Elsewhere%"))).first()
    assert joining is not None
    session.add(ArticleTag(article_id=joining.id, tag=TAG.value))
    session.commit()
    # Page 2 is made after the change, page 1 stays as stored: by positions, the
    # first of page 2 would have moved onto page 1 (on no page at all).
    store_page(session, settings, TAG, 2)
    assert check_every_entry_on_one_page(session, settings, TAG) == 2
    assert guids(session, archive_key(TAG, 1, "json")) == first_page
    # The joining article is the tag's newest entry, not one of its archived ones.
    assert guids(session, feed_key(TAG, "json"))[0] == joining.guid
    # More entries fill more pages, from where the last one ended.
    ingest(settings, story_page("Later", 9), render=False)
    assert check_every_entry_on_one_page(session, settings, TAG) == 4


def test_a_re_post_that_tags_an_old_article_puts_it_after_the_archived_entries(
    small_settings: Settings, session: Session
) -> None:
    settings = small_settings
    spec = FeedSpec.tag("uzbekistan")
    ingest(settings, story_page("Old", 3, country="Tajikistan"), render=False)
    ingest(settings, story_page("News", 6, country="Uzbekistan"), render=False)
    store_page(session, settings, spec, 1)
    # The old page again, now naming Uzbekistan too: its articles join the tag.
    ingest(settings, story_page("Old", 3, country="Tajikistan and Uzbekistan"), render=False)
    assert check_every_entry_on_one_page(session, settings, spec) == 1
    current = guids(session, feed_key(spec, "json"))
    old = set(session.scalars(select(Article.guid).where(Article.title.like("Old%"))))
    assert set(current[:3]) == old


def test_the_articles_and_source_feeds_are_cut_as_before(
    small_settings: Settings, session: Session
) -> None:
    settings = small_settings
    ingest(settings, story_page("Many", 11), render=False)
    ids = list(session.scalars(select(Article.guid).order_by(Article.id)))
    for spec in (FeedSpec.articles(), FeedSpec.source("test")):
        assert check_every_entry_on_one_page(session, settings, spec) == 2
        for page in (1, 2):
            stored = guids(session, archive_key(spec, page, "json"))
            assert stored == ids[(page - 1) * 5 : page * 5][::-1]
