"""Validate and clean a feed's input once, so every format renders the same values.

Fields the service itself produces (ids, feed URLs, times, language) are
checked strictly and raise ``ValueError``: a wrong value there is a bug that
should fail the render rather than publish a broken feed. Fields that come
from posted pages (titles, text, tags, authors, article links) are cleaned
instead, so one hostile article cannot take a whole feed down.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from shared.byte_lru import ByteLRU

from .html import content_html
from .model import FeedEntry, FeedMeta, RssItemExtension
from .text import one_line, shorten, xml_safe

SUMMARY_FALLBACK_CHARS = 280
TITLE_FALLBACK_CHARS = 80
UNTITLED = "Untitled"

# RFC 3066 as RFC 4287 constrains xml:lang; a value outside it fails Atom validation.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
_MEDIA_TYPE = re.compile(r"[^/\s]+/[^/\s]+")
# Any character str.isspace() calls a space (the same test), found without a
# Python-level loop over every character of a URL.
_SPACE = re.compile(r"\s")


@dataclass(frozen=True, slots=True)
class PreparedEntry:
    """A FeedEntry after cleaning: the exact values every format writes."""

    guid: str
    title: str
    link: str | None  # None when the posted URL was not an absolute http(s) URL
    published: datetime  # UTC, whole seconds
    updated: datetime  # what Atom <updated> and JSON Feed date_modified state (``shown_updated``)
    summary: str  # plain text, one line
    content_html: str  # sanitised HTML
    tags: tuple[str, ...]
    authors: tuple[str, ...]
    rss_extensions: tuple[RssItemExtension, ...] = ()  # passed through as given
    language: str | None = None  # a valid tag, or None (an invalid one is dropped)


def utc(value: datetime, name: str) -> datetime:
    """``value`` in UTC, truncated to whole seconds.

    RSS dates carry no fractions, so truncating everywhere keeps the three
    formats stating the same instant.
    """
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware: {value!r}")
    return value.astimezone(UTC).replace(microsecond=0)


def shown_updated(entry: FeedEntry, published: datetime) -> datetime:
    """When the entry last changed, as feeds state it: the publisher's own modified
    time when it dates the version shown, else when silkfeed stored the change (a
    page without one, or a correction under a modified time no later than the one
    shown before: a reader notices a changed entry by this time, RFC 4287
    4.2.15); never before ``published`` (RFC 4287 orders them so, and readers sort
    by it), and never after the stored change (a feed's own updated time is the
    latest of those: no entry of it may claim a later one)."""
    stored = max(utc(entry.updated, "updated"), published)
    if entry.modified is not None and entry.revised is None:
        return min(max(utc(entry.modified, "modified"), published), stored)
    return stored


def _is_web_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and _SPACE.search(value) is None
    )


def _web_url(value: str, name: str) -> str:
    cleaned = xml_safe(value)
    if not _is_web_url(cleaned):
        raise ValueError(f"{name} must be an absolute http(s) URL: {value!r}")
    return cleaned


def _optional_web_url(value: str | None, name: str) -> str | None:
    return None if value is None else _web_url(value, name)


def _uri(value: str, name: str) -> str:
    """An absolute URI of any scheme (urn:, tag:, https:), as Atom ids must be."""
    cleaned = xml_safe(value).strip()
    try:
        scheme = urlsplit(cleaned).scheme
    except ValueError:
        scheme = ""
    if not scheme or _SPACE.search(cleaned) is not None:
        raise ValueError(f"{name} must be an absolute URI: {value!r}")
    return cleaned


def prepare_meta(meta: FeedMeta) -> FeedMeta:
    """A copy of ``meta`` with every string cleaned and every value checked."""
    language = None if meta.language is None else xml_safe(meta.language).strip()
    if language is not None and not _LANGUAGE_TAG.fullmatch(language):
        raise ValueError(f"language must be a language tag like 'en' or 'ru-KG': {language!r}")
    if isinstance(meta.ttl_minutes, bool) or not isinstance(meta.ttl_minutes, int):
        raise TypeError("ttl_minutes must be an int")
    if meta.ttl_minutes < 0:
        raise ValueError(f"ttl_minutes must not be negative: {meta.ttl_minutes}")
    alternates = []
    for media_type, url in meta.alternates:
        clean_type = xml_safe(media_type).strip()
        if not _MEDIA_TYPE.match(clean_type):
            raise ValueError(f"alternate media type must look like type/subtype: {media_type!r}")
        alternates.append((clean_type, _web_url(url, "alternate url")))
    title = one_line(meta.title)
    if not title:
        raise ValueError("feed title must not be blank")
    return dataclasses.replace(
        meta,
        feed_id=_uri(meta.feed_id, "feed_id"),
        title=title,
        subtitle=one_line(meta.subtitle),
        self_url=_web_url(meta.self_url, "self_url"),
        html_url=_web_url(meta.html_url, "html_url"),
        updated=utc(meta.updated, "updated"),
        language=language,
        current_url=_optional_web_url(meta.current_url, "current_url"),
        prev_archive_url=_optional_web_url(meta.prev_archive_url, "prev_archive_url"),
        next_archive_url=_optional_web_url(meta.next_archive_url, "next_archive_url"),
        hub_url=_optional_web_url(meta.hub_url, "hub_url"),
        is_archive=bool(meta.is_archive),
        alternates=tuple(alternates),
    )


# Cached: a feed worker re-renders mostly the same entries, and sanitising is
# most of the cost. FeedEntry is frozen, so equal input, equal output. Bounded
# by bytes as well as entries: an article's text may be up to a megabyte.
_PREPARED: ByteLRU[PreparedEntry] = ByteLRU(max_entries=8192, max_bytes=64 * 1024 * 1024)


def clear_prepared() -> None:
    _PREPARED.clear()


def prepare_entry(entry: FeedEntry) -> PreparedEntry:
    found = _PREPARED.get(entry)
    if found is None:
        found = _prepare_entry(entry)
        size = sum(map(len, entry.paragraphs)) + len(entry.summary) + len(found.content_html)
        _PREPARED.put(entry, found, 2 * size + 1024)  # text twice: the entry and its HTML
    return found


def _prepare_entry(entry: FeedEntry) -> PreparedEntry:
    guid = _uri(entry.guid, "guid")
    first_text = next((p for p in entry.paragraphs if one_line(p)), "")
    given_summary = one_line(entry.summary) or shorten(first_text, SUMMARY_FALLBACK_CHARS)
    # Atom requires a title and readers list entries by it, so an entry whose
    # title was blank or nothing but junk characters borrows the start of its
    # text; likewise summary and content are never left empty.
    title = one_line(entry.title) or shorten(given_summary, TITLE_FALLBACK_CHARS) or UNTITLED
    summary = given_summary or title
    body = content_html(entry.paragraphs) or content_html([summary])
    link = xml_safe(entry.link).strip()
    tags = tuple(dict.fromkeys(tag for tag in map(one_line, entry.tags) if tag))
    authors = tuple(dict.fromkeys(name for name in map(one_line, entry.authors) if name))
    published = utc(entry.published, "published")
    return PreparedEntry(
        guid=guid,
        title=title,
        link=link if _is_web_url(link) else None,
        published=published,
        updated=shown_updated(entry, published),
        summary=summary,
        content_html=body,
        tags=tags,
        authors=authors,
        rss_extensions=entry.rss_extensions,
        language=_entry_language(entry.language),
    )


def _entry_language(value: str | None) -> str | None:
    # From the page: a tag a feed format would refuse is left out, not fatal.
    if value is None:
        return None
    value = xml_safe(value).strip()
    return value if _LANGUAGE_TAG.fullmatch(value) else None


def prepare_entries(entries: Sequence[FeedEntry]) -> tuple[PreparedEntry, ...]:
    """Cleaned entries, in the given order; duplicate guids are a caller bug."""
    prepared = tuple(prepare_entry(entry) for entry in entries)
    seen: set[str] = set()
    for item in prepared:
        if item.guid in seen:
            raise ValueError(f"duplicate entry guid: {item.guid!r}")
        seen.add(item.guid)
    return prepared
