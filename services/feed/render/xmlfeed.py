"""What the Atom and RSS renderers share: a feedgen FeedGenerator set up from prepared input."""

from __future__ import annotations

import html
from collections.abc import Sequence

from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from .model import FeedMeta
from .prepare import PreparedEntry

ATOM_NS = "http://www.w3.org/2005/Atom"
HISTORY_NS = "http://purl.org/syndication/history/1.0"  # RFC 5005
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
GENERATOR = "silkfeed"
EXTENSION = "silkfeed"  # attribute name of both extension instances


class HistoryExtension(BaseExtension):
    """RFC 5005 markup feedgen has no setter for.

    Atom gets only ``fh:archive`` here (its paging links go through
    ``FeedGenerator.link``); RSS also gets the paging links as ``atom:link``,
    because feedgen copies nothing but the self link into an RSS channel.
    Extensions run before entries are appended, so everything lands in the
    feed head, where RFC 5005 puts it.
    """

    def __init__(self) -> None:
        self.is_archive = False
        self.rss_links: tuple[tuple[str, str, str | None], ...] = ()  # (rel, href, type)

    def extend_ns(self) -> dict[str, str]:
        # Declared only when used, so live feeds carry no unused namespace.
        return {"fh": HISTORY_NS} if self.is_archive else {}

    def extend_atom(self, feed: etree._Element) -> etree._Element:
        self._add_archive(feed)
        return feed

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        channel = feed[0]
        for rel, href, media_type in self.rss_links:
            link = etree.SubElement(channel, f"{{{ATOM_NS}}}link", href=href, rel=rel)
            if media_type:
                link.set("type", media_type)
        self._add_archive(channel)
        return feed

    def _add_archive(self, parent: etree._Element) -> None:
        if self.is_archive:
            etree.SubElement(parent, f"{{{HISTORY_NS}}}archive")


class EntryLinkExtension(BaseExtension):
    """Writes an Atom entry's alternate link, and its ``xml:lang``.

    feedgen 1.0's ``FeedEntry.atom_entry`` drops the ``rel`` and ``type`` of
    entry links (it reads them back from the new element instead of the
    link data), so the link is added here, with both attributes, instead.
    feedgen has no setter for an entry's language.
    """

    def __init__(self) -> None:
        self.alternate: str | None = None
        self.language: str | None = None

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        if self.language:
            entry.set(XML_LANG, self.language)
        if self.alternate:
            # feedgen builds Atom elements without a namespace and writes
            # xmlns="…Atom" as a plain attribute on the root, so a sibling
            # must be un-namespaced too to come out as atom:link.
            etree.SubElement(entry, "link", href=self.alternate, rel="alternate", type="text/html")
        return entry


def history_links(meta: FeedMeta) -> list[tuple[str, str]]:
    """RFC 5005 links as (rel, href), in a fixed order."""
    pairs = (
        ("current", meta.current_url),
        ("prev-archive", meta.prev_archive_url),
        ("next-archive", meta.next_archive_url),
    )
    return [(rel, href) for rel, href in pairs if href]


def alternate_links(meta: FeedMeta, self_type: str) -> list[tuple[str, str]]:
    """Other formats of this feed as (type, href); RFC 4287 forbids two alternates of one type."""
    seen = {self_type.split(";")[0].strip(), "text/html"}
    links = []
    for media_type, href in meta.alternates:
        bare = media_type.split(";")[0].strip()
        if href == meta.self_url or bare in seen:
            continue
        seen.add(bare)
        links.append((media_type, href))
    return links


def new_generator(meta: FeedMeta) -> tuple[FeedGenerator, HistoryExtension]:
    fg = FeedGenerator()
    fg.id(meta.feed_id)
    fg.title(meta.title)
    # Both default to "now" and to feedgen's own name, version and URL; pinning
    # them keeps the bytes identical while the content is unchanged, which is
    # what makes ETags and conditional GET work for readers.
    fg.updated(meta.updated)
    fg.generator(GENERATOR)
    if meta.language is not None:
        fg.language(meta.language)
    fg.register_extension(EXTENSION, HistoryExtension, EntryLinkExtension)
    history: HistoryExtension = getattr(fg, EXTENSION)
    history.is_archive = meta.is_archive
    return fg, history


def add_entries(
    fg: FeedGenerator,
    entries: Sequence[PreparedEntry],
    *,
    rss: bool,
    language: str | None = None,
) -> None:
    """Add ``entries`` in the given order (feedgen prepends by default). An Atom
    entry states its language where it is known and not the feed's ``language``
    (RSS items have no element for it)."""
    for item in entries:
        fe = fg.add_entry(order="append")
        if not rss and item.language and item.language != language:
            getattr(fe, EXTENSION).language = item.language
        fe.id(item.guid)  # also the RSS guid, with isPermaLink="false"
        fe.title(item.title)
        if item.link:
            if rss:
                fe.link(href=item.link, rel="alternate")
            else:
                getattr(fe, EXTENSION).alternate = item.link
        fe.published(item.published)
        fe.updated(item.updated)
        if rss:
            # Readers treat an RSS description as HTML, so the plain-text
            # summary is escaped: "<script>" in it must stay visible text.
            fe.description(html.escape(item.summary, quote=False), isSummary=True)
        else:
            fe.summary(item.summary, type="text")
        fe.content(item.content_html, type="html")
        for tag in item.tags:
            fe.category(term=tag)
        for name in item.authors:
            fe.author(name=name)
            if rss:
                # RSS <author> must be an e-mail address; Dublin Core takes a name.
                fe.dc.dc_creator(name)
