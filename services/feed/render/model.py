"""The one entry model every feed format is rendered from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from lxml import etree


class RssItemExtension(Protocol):
    """Markup in another namespace for one RSS item (e.g. RSS-CB statistics).

    Implementations are frozen dataclasses, so an entry stays hashable.
    """

    def rss_namespaces(self) -> dict[str, str]: ...

    def extend_rss_item(self, item: etree._Element) -> None: ...


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed. Times are timezone-aware UTC."""

    guid: str  # stable id, e.g. "urn:uuid:…"; never changes for an article
    title: str
    link: str  # absolute URL of the entry's page
    published: datetime
    updated: datetime
    summary: str  # plain text
    paragraphs: tuple[str, ...]  # plain text; rendered as escaped, sanitised <p> HTML
    tags: tuple[str, ...] = field(default=())
    # Each a person's name (Atom author, RSS dc:creator, JSON Feed authors), in order.
    authors: tuple[str, ...] = field(default=())
    # Written into the entry's RSS item only; Atom and JSON Feed ignore them.
    rss_extensions: tuple[RssItemExtension, ...] = field(default=())
    # When the publisher says it last changed the article (None: not stated).
    # ``updated`` stays when silkfeed stored the change: feed validators follow it.
    modified: datetime | None = None
    # When silkfeed stored a version its page did not date (no modified time later
    # than the one shown before: a correction); None when ``modified`` dates it.
    revised: datetime | None = None
    # Its language (a BCP 47 tag, "ru"); None when unknown.
    language: str | None = None
    # The hash, made once: an entry is the key of the prepared-entry and
    # fragment stores, looked up several times a render, and hashing its
    # fields (its text, aware datetimes) each time cost more than the lookups.
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __hash__(self) -> int:
        if not self._hash:
            object.__setattr__(self, "_hash", hash(_key(self)) or 1)
        return self._hash


def _key(entry: FeedEntry) -> tuple[object, ...]:
    """What two equal entries hold alike: every field their equality compares."""
    return (
        entry.guid,
        entry.title,
        entry.link,
        entry.published,
        entry.updated,
        entry.summary,
        entry.paragraphs,
        entry.tags,
        entry.authors,
        entry.rss_extensions,
        entry.modified,
        entry.revised,
        entry.language,
    )


@dataclass(frozen=True, slots=True)
class FeedMeta:
    """What a feed document says about itself. All URLs are absolute."""

    feed_id: str  # stable id of the feed (Atom <id>, JSON Feed feed_url base)
    title: str
    subtitle: str
    self_url: str  # the URL of this very document (format-specific)
    html_url: str  # the human page the feed belongs to
    updated: datetime  # newest entry's update time (or a fixed epoch when empty)
    ttl_minutes: int = 5  # RSS <ttl>, kept equal to Cache-Control max-age
    # The language of every entry, when they share one; None states none (Atom
    # feed xml:lang, RSS <language>, JSON Feed language). An entry in another
    # language states its own (``common_language``).
    language: str | None = "en"
    # RFC 5005 feed paging and archiving; JSON Feed maps prev_archive_url to next_url.
    current_url: str | None = None
    prev_archive_url: str | None = None
    next_archive_url: str | None = None
    is_archive: bool = False
    # The WebSub hub that pushes this document (only documents the hub pushes name one).
    hub_url: str | None = None
    # Alternate-format URLs of the same feed, for autodiscovery links.
    alternates: tuple[tuple[str, str], ...] = field(default=())  # (media type, url)


def common_language(entries: Sequence[FeedEntry]) -> str | None:
    """What a document of ``entries`` states as its language: the one they all
    share, None when some differ or are unknown (omitted rather than wrong), and
    "en" for a document of none, as every feed said before entries had languages."""
    languages = {entry.language for entry in entries}
    if not languages:
        return "en"
    return languages.pop() if len(languages) == 1 else None
