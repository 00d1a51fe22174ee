"""RSS 2.0 with atom:link self/paging links and RFC 5005 archiving."""

from __future__ import annotations

from collections.abc import Sequence

from feedgen.ext.base import BaseExtension
from feedgen.ext.dc import DcEntryExtension, DcExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from .model import FeedMeta, RssItemExtension
from .prepare import PreparedEntry
from .xmlfeed import add_entries, alternate_links, history_links, new_generator

RSS_TYPE = "application/rss+xml"
ITEM_EXTENSIONS = "item_extensions"  # attribute name of the extension instances


def render_rss(
    meta: FeedMeta,
    entries: Sequence[PreparedEntry],
    *,
    namespaces: dict[str, str] | None = None,
) -> bytes:
    """RSS bytes for prepared ``meta`` and ``entries`` (see ``prepare``).

    ``namespaces`` overrides the item extensions' namespaces the entries would
    declare on <rss>: ``fragments`` renders a document's frame without its entries.
    """
    fg, history = new_generator(meta)
    # RSS requires a channel description; the title stands in for a blank subtitle.
    fg.description(meta.subtitle or meta.title)
    if meta.ttl_minutes:
        fg.ttl(meta.ttl_minutes)
    # What fg.load_extension("dc") registers, without its failed import of a
    # "dc_entry" module (a file system search) on every render.
    fg.register_extension("dc", DcExtension, DcEntryExtension, atom=False, rss=True)
    fg.link(href=meta.self_url, rel="self", type=RSS_TYPE)
    # feedgen uses the last link added as the channel <link>.
    fg.link(href=meta.html_url, rel="alternate", type="text/html")
    history.rss_links = tuple(
        [("alternate", href, media_type) for media_type, href in alternate_links(meta, RSS_TYPE)]
        + [(rel, href, None) for rel, href in history_links(meta)]
        + ([("hub", meta.hub_url, None)] if meta.hub_url else [])
    )
    add_entries(fg, entries, rss=True)
    declared = item_namespaces(entries) if namespaces is None else namespaces
    _add_item_extensions(fg, entries, declared)
    return fg.rss_str(pretty=False, encoding="UTF-8", xml_declaration=True)


class _ItemNamespaces(BaseExtension):
    """Declares the item extensions' namespaces on <rss>, and only when some item uses them."""

    def __init__(self) -> None:
        self.namespaces: dict[str, str] = {}

    def extend_ns(self) -> dict[str, str]:
        return self.namespaces


class _ItemExtensions(BaseExtension):
    def __init__(self) -> None:
        self.extensions: tuple[RssItemExtension, ...] = ()

    def extend_rss(self, item: etree._Element) -> etree._Element:
        for extension in self.extensions:
            extension.extend_rss_item(item)
        return item


def item_namespaces(entries: Sequence[PreparedEntry]) -> dict[str, str]:
    """The namespaces the entries' item extensions write in, declared on <rss>."""
    namespaces: dict[str, str] = {}
    for entry in entries:
        for extension in entry.rss_extensions:
            namespaces.update(extension.rss_namespaces())
    return namespaces


def _add_item_extensions(
    fg: FeedGenerator, entries: Sequence[PreparedEntry], namespaces: dict[str, str]
) -> None:
    if not namespaces:
        return
    fg.register_extension(ITEM_EXTENSIONS, _ItemNamespaces, _ItemExtensions, atom=False)
    getattr(fg, ITEM_EXTENSIONS).namespaces = namespaces
    # feedgen keeps entries in the order add_entries appended them.
    for fe, entry in zip(fg.entry(), entries, strict=True):
        getattr(fe, ITEM_EXTENSIONS).extensions = entry.rss_extensions
