"""What holds for every format: dispatch, determinism, input checks, hostile input."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest
from feed_render_checks import entries_of, feed_problems, parse_with_feedparser
from feed_render_factories import (
    ASTRAL,
    BASE,
    CONTROL_CHARS,
    RTL,
    T0,
    hostile_entries,
    make_entries,
    make_entry,
    make_meta,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from services.feed.render import (
    FORMATS,
    MEDIA_TYPES,
    FeedEntry,
    FeedMeta,
    content_html,
    render_feed,
    xml_safe,
)

XML_FORMATS = ("atom", "rss")
FORBIDDEN_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def test_public_constants() -> None:
    assert FORMATS == ("atom", "rss", "json")
    assert MEDIA_TYPES == {
        "atom": "application/atom+xml; charset=utf-8",
        "rss": "application/rss+xml; charset=utf-8",
        "json": "application/feed+json; charset=utf-8",
    }


def test_unknown_format_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown feed format 'html'"):
        render_feed("html", make_meta(), [])


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_is_utf8_bytes(fmt: str) -> None:
    data = render_feed(fmt, make_meta(fmt), [make_entry(1, title="Ош — Бишкек")])
    assert isinstance(data, bytes)
    assert "Ош — Бишкек" in data.decode("utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_input_same_bytes(fmt: str) -> None:
    meta, entries = make_meta(fmt), make_entries(5)
    assert render_feed(fmt, meta, entries) == render_feed(fmt, meta, list(entries))


def _stated_times(fmt: str, data: bytes) -> set[datetime]:
    text = data.decode()
    if fmt == "rss":
        found = re.findall(r"<(?:pubDate|lastBuildDate)>([^<]+)<", text)
        return {parsedate_to_datetime(value) for value in found}
    found = re.findall(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^<\"]*", text)
    return {datetime.fromisoformat(value) for value in found}


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_clock_or_version_leaks_into_the_output(fmt: str) -> None:
    # feedgen stamps "now" and its own name/version/URL unless told otherwise;
    # either would change the bytes (and the ETag) on every render.
    meta, entries = make_meta(fmt), make_entries(3)
    data = render_feed(fmt, meta, entries)
    expected = {meta.updated} if fmt != "json" else set()
    expected |= {e.published for e in entries} | {e.updated for e in entries}
    if fmt == "rss":
        expected -= {e.updated for e in entries}  # RSS has no item update date
    assert _stated_times(fmt, data) == expected
    assert b"feedgen" not in data and b"lkiesow" not in data


@pytest.mark.parametrize("fmt", FORMATS)
def test_aware_non_utc_times_are_written_in_utc(fmt: str) -> None:
    bishkek = timezone(timedelta(hours=6))
    entry = make_entry(1, published=datetime(2025, 12, 15, 14, 0, 0, 999, tzinfo=bishkek))
    (view,) = entries_of(fmt, render_feed(fmt, make_meta(fmt), [entry]))
    published = view.dates[0] if fmt == "rss" else view.dates[-1 if fmt == "atom" else 0]
    expected = "Mon, 15 Dec 2025 08:00:00 +0000" if fmt == "rss" else "2025-12-15T08:00:00+00:00"
    assert published == expected


NAIVE = datetime(2025, 12, 15, 8, 0)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("meta_changes", "entry_changes"),
    [({"updated": NAIVE}, {}), ({}, {"published": NAIVE}), ({}, {"updated": NAIVE})],
    ids=["meta.updated", "entry.published", "entry.updated"],
)
def test_naive_datetimes_are_rejected(fmt: str, meta_changes: dict, entry_changes: dict) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        render_feed(fmt, make_meta(fmt, **meta_changes), [make_entry(1, **entry_changes)])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("meta_changes", "entries", "message"),
    [
        ({"self_url": "/feeds/articles.atom"}, [], "self_url"),
        ({"html_url": "javascript:alert(1)"}, [], "html_url"),
        ({"prev_archive_url": "2025-11.atom"}, [], "prev_archive_url"),
        ({"feed_id": "articles"}, [], "feed_id"),
        ({"language": "en_US"}, [], "language"),
        ({"ttl_minutes": -1}, [], "ttl_minutes"),
        ({"title": " \x00 "}, [], "title"),
        ({"alternates": (("rss", f"{BASE}/x.rss"),)}, [], "media type"),
        ({}, [make_entry(1), make_entry(1)], "duplicate entry guid"),
        ({}, [make_entry(1, guid="article-1")], "guid"),
        ({}, [make_entry(1, guid="\x00")], "guid"),
    ],
)
def test_bad_service_values_are_rejected(
    fmt: str, meta_changes: dict, entries: list[FeedEntry], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        render_feed(fmt, make_meta(fmt, **meta_changes), entries)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("archive", [False, True], ids=["live", "archive"])
def test_empty_feed_is_valid(fmt: str, archive: bool) -> None:
    meta = make_meta(
        fmt,
        updated=datetime(1970, 1, 1, tzinfo=UTC),
        is_archive=archive,
        current_url=f"{BASE}/feeds/articles.{fmt}" if archive else None,
        prev_archive_url=f"{BASE}/feeds/articles/2025-10.{fmt}" if archive else None,
    )
    data = render_feed(fmt, meta, [])
    assert feed_problems(fmt, data, meta.self_url) == []
    assert entries_of(fmt, data) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_fifty_entry_feed_is_valid(fmt: str) -> None:
    meta = make_meta(fmt)
    data = render_feed(fmt, meta, make_entries(50, paragraphs=6))
    assert feed_problems(fmt, data, meta.self_url) == []
    assert len(entries_of(fmt, data)) == 50


@pytest.mark.parametrize("fmt", XML_FORMATS)
def test_feedparser_sees_ids_titles_dates_tags_and_content(fmt: str) -> None:
    entries = [make_entry(1), make_entry(2, tags=("Ош", "KGS/USD"), authors=())]
    parsed = parse_with_feedparser(fmt, render_feed(fmt, make_meta(fmt), entries))
    assert not parsed.bozo
    assert parsed.feed.title == "Silk Road News"
    assert parsed.feed.link == f"{BASE}/"
    for seen, entry in zip(parsed.entries, entries, strict=True):
        assert seen.id == entry.guid
        assert seen.title == entry.title
        assert seen.link == entry.link
        assert datetime(*seen.published_parsed[:6], tzinfo=UTC) == entry.published
        if fmt == "atom":
            assert datetime(*seen.updated_parsed[:6], tzinfo=UTC) == entry.updated
        assert [tag.term for tag in seen.tags] == list(entry.tags)
        assert seen.content[0].value == content_html(entry.paragraphs)
        assert seen.content[0].type == "text/html"
    assert parsed.entries[0].author == "Aida Bekova"


# --- hostile input -----------------------------------------------------------


@pytest.fixture(scope="module")
def hostile() -> list[FeedEntry]:
    return hostile_entries()


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_entries_give_a_valid_safe_feed(fmt: str, hostile: list[FeedEntry]) -> None:
    meta = make_meta(fmt, title=f"News {CONTROL_CHARS}{RTL}", subtitle=f"{CONTROL_CHARS}<b>sub")
    data = render_feed(fmt, meta, hostile)
    assert feed_problems(fmt, data, meta.self_url) == []
    text = data.decode("utf-8")
    assert not FORBIDDEN_XML_CHARS.search(text)
    views = entries_of(fmt, data)
    assert [v.id for v in views] == [e.guid for e in hostile]


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_text_is_kept_as_text(fmt: str, hostile: list[FeedEntry]) -> None:
    views = {v.id: v for v in entries_of(fmt, render_feed(fmt, make_meta(fmt), hostile))}
    by_title = {e.guid: views[e.guid].title for e in hostile}
    assert by_title[make_entry(2).guid] == "<script>alert(1)</script> title 2"
    assert by_title[make_entry(6).guid] == f"{RTL} title 6"
    assert by_title[make_entry(7).guid] == f"{ASTRAL} title 7"
    assert by_title[make_entry(1).guid] == "title 1"  # the control characters are gone
    assert by_title[make_entry(100).guid] == "T" * 5000
    assert by_title[make_entry(101).guid] == "Untitled"


@pytest.mark.parametrize("fmt", FORMATS)
def test_unsafe_entry_link_is_dropped(fmt: str) -> None:
    entry = make_entry(1, link="javascript:alert(1)")
    data = render_feed(fmt, make_meta(fmt), [entry])
    assert b"javascript:" not in data
    assert feed_problems(fmt, data, make_meta(fmt).self_url) == []


@pytest.mark.parametrize("fmt", XML_FORMATS)
def test_feedparser_content_of_hostile_entries_has_no_script(
    fmt: str, hostile: list[FeedEntry]
) -> None:
    parsed = parse_with_feedparser(fmt, render_feed(fmt, make_meta(fmt), hostile))
    assert not parsed.bozo
    for seen in parsed.entries:
        html = seen.content[0].value
        assert "<script" not in html.lower()
        tree = etree.HTML(f"<div>{html}</div>") if html else None
        if tree is not None:
            assert not tree.xpath("//script | //img | //*[@onerror]")


# --- random input ------------------------------------------------------------

any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=200)
# Fragments that build tags, attributes, entities and CDATA ends when shuffled.
markupish = st.lists(
    st.sampled_from(
        [
            "<",
            ">",
            "&",
            ";",
            '"',
            "'",
            "/",
            "=",
            "]]>",
            "<script>",
            "onerror=",
            "javascript:",
            "<img src=x ",
            "</div>",
            "&amp",
            "\x00",
            "\u202e",
            "😀",
            " ",
            "\n",
            "a",
        ]
    ),
    max_size=30,
).map("".join)
random_text = st.one_of(any_text, markupish)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    title=random_text,
    summary=random_text,
    paragraphs=st.lists(random_text, max_size=4),
    tags=st.lists(random_text, max_size=3),
    authors=st.lists(random_text, max_size=3).map(tuple),
)
def test_random_text_gives_valid_feeds_in_every_format(
    title: str, summary: str, paragraphs: list[str], tags: list[str], authors: tuple[str, ...]
) -> None:
    entry = make_entry(
        1,
        title=title,
        summary=summary,
        paragraphs=tuple(paragraphs),
        tags=tuple(tags),
        authors=authors,
    )
    for fmt in FORMATS:
        meta = make_meta(fmt, subtitle=summary)
        data = render_feed(fmt, meta, [entry, make_entry(2)])
        assert feed_problems(fmt, data, meta.self_url) == [], (fmt, data)
        (view, _) = entries_of(fmt, data)
        assert view.title and view.title == " ".join(view.title.split())
        expected_title = " ".join(xml_safe(title).split())
        if expected_title:
            assert view.title == expected_title
        if fmt == "json":
            assert json.loads(data)["items"][0]["content_html"] == (
                content_html(paragraphs) or view.content_html[0]
            )


def test_meta_and_entry_are_the_model_types() -> None:
    # render_feed accepts the fixed model; guard against accidental renames
    # (a private field, as the entry's kept hash, is no part of it).
    assert {f for f in FeedEntry.__dataclass_fields__ if not f.startswith("_")} == {
        "guid",
        "title",
        "link",
        "published",
        "updated",
        "summary",
        "paragraphs",
        "tags",
        "authors",
        "rss_extensions",
        "modified",
        "revised",
        "language",
    }
    assert set(FeedMeta.__dataclass_fields__) == {
        "feed_id",
        "title",
        "subtitle",
        "self_url",
        "html_url",
        "updated",
        "ttl_minutes",
        "language",
        "current_url",
        "prev_archive_url",
        "next_archive_url",
        "is_archive",
        "hub_url",
        "alternates",
    }
    assert T0.tzinfo is UTC
