"""Each entry is in its page's language; a feed states one only when all its entries share it.

Atom: ``xml:lang`` on the feed when they agree, else on each entry that has one;
JSON Feed: ``language`` at the top when they agree, else on each item; RSS:
``<language>`` only when they agree (its items have no element for it).
"""

from __future__ import annotations

import json

import feedparser
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.feed import publish
from shared.feed_names import FeedSpec
from shared.models import Article
from shared.settings import Settings
from tests.conftest import FIXTURES
from tests.services.feed.render.feed_render_checks import feed_problems
from tests.support.content import ingest, page

RUSSIAN_TEXT = (FIXTURES / "pages" / "russian.txt").read_bytes()
RUSSIAN_HTML = (FIXTURES / "pages" / "russian.html").read_bytes()


def documents(session: Session, settings: Settings, spec: FeedSpec) -> dict[str, bytes]:
    session.expire_all()
    return publish.build_current(session, settings, spec)[0]


def self_url(fmt: str, body: bytes) -> str:
    if fmt == "json":
        return json.loads(body)["feed_url"]
    parsed = feedparser.parse(body)
    return next(link.href for link in parsed.feed.links if link.rel == "self")


def stated(docs: dict[str, bytes]) -> dict[str, object]:
    """What each format says of the document's and its entries' languages, read back."""
    for fmt, body in docs.items():  # each a valid feed (schemas, validator rules, feedparser)
        assert feed_problems(fmt, body, self_url(fmt, body)) == []
    atom, rss = feedparser.parse(docs["atom"]), feedparser.parse(docs["rss"])
    assert not atom.bozo and not rss.bozo
    feed = json.loads(docs["json"])
    return {
        "atom": [e.title_detail.language for e in atom.entries],
        "rss": rss.feed.get("language"),
        "json": feed.get("language"),
        "json items": [item.get("language") for item in feed["items"]],
    }


@pytest.mark.parametrize(
    ("body", "media_type"), [(RUSSIAN_TEXT, "text/plain"), (RUSSIAN_HTML, "text/html")]
)
def test_a_russian_pages_feed_is_in_russian(
    settings: Settings, session: Session, body: bytes, media_type: str
) -> None:
    ingest(settings, body, source="ru", media_type=media_type, render=False)
    assert set(session.scalars(select(Article.language))) == {"ru"}
    docs = documents(session, settings, FeedSpec.source("ru"))
    found = stated(docs)
    assert found["rss"] == found["json"] == "ru"
    assert set(found["atom"]) == {"ru"}  # inherited from the feed ...
    assert b'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ru">' in docs["atom"]
    assert b"<entry xml:lang" not in docs["atom"]  # ... so stated once
    assert set(found["json items"]) == {None}


def test_a_mixed_feed_states_each_entrys_language_and_no_feed_language(
    settings: Settings, session: Session
) -> None:
    ingest(settings, page("English", 2), render=False)
    ingest(settings, RUSSIAN_TEXT, source="ru", render=False)
    docs = documents(session, settings, FeedSpec.articles())
    found = stated(docs)
    assert sorted(found["atom"]) == ["en", "en", "ru", "ru"]
    assert sorted(found["json items"]) == ["en", "en", "ru", "ru"]  # type: ignore[type-var]
    assert found["rss"] is None and found["json"] is None
    assert b"<language>" not in docs["rss"]
    assert b'<feed xmlns="http://www.w3.org/2005/Atom">' in docs["atom"]
    # Each source's own feed is in one language again.
    assert stated(documents(session, settings, FeedSpec.source("test")))["rss"] == "en"


def test_an_english_feed_says_en_as_it_always_did(settings: Settings, session: Session) -> None:
    ingest(settings, page("English", 3), render=False)
    docs = documents(session, settings, FeedSpec.articles())
    assert b'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">' in docs["atom"]
    assert b"xml:lang" not in docs["atom"].split(b"<entry", 1)[1]
    assert b"<language>en</language>" in docs["rss"]
    feed = json.loads(docs["json"])
    assert feed["language"] == "en" and all("language" not in item for item in feed["items"])


def test_an_article_of_unknown_language_leaves_the_feed_without_one(
    settings: Settings, session: Session
) -> None:
    ingest(settings, page("English", 1), render=False)
    body = json.dumps(
        {"articles": [{"title": "Qazaqstan", "paragraphs": ["Jana jol ashyldy búgin."]}]}
    ).encode()
    ingest(settings, body, media_type="application/json", render=False)
    assert None in set(session.scalars(select(Article.language)))
    found = stated(documents(session, settings, FeedSpec.articles()))
    assert found["rss"] is None and found["json"] is None
    assert sorted(found["json items"], key=str) == [None, "en"]  # type: ignore[arg-type]


def test_a_json_pages_declared_language_wins(settings: Settings, session: Session) -> None:
    body = json.dumps(
        {
            "language": "kk-KZ",
            "articles": [
                {"title": "Жаңа жол", "paragraphs": ["Жаңа теміржол ашылды."]},
                {"title": "Новая дорога", "paragraphs": ["Дорогу открыли."], "language": "ru"},
            ],
        },
        ensure_ascii=False,
    ).encode()
    ingest(settings, body, media_type="application/json", render=False)
    languages = dict(session.execute(select(Article.title, Article.language)).all())
    assert languages == {"Жаңа жол": "kk", "Новая дорога": "ru"}
