"""Atom 1.0 (RFC 4287) with RFC 5005 paging and archiving."""

from __future__ import annotations

from collections.abc import Sequence

from .model import FeedMeta
from .prepare import PreparedEntry
from .xmlfeed import add_entries, alternate_links, history_links, new_generator

ATOM_TYPE = "application/atom+xml"


def render_atom(
    meta: FeedMeta, entries: Sequence[PreparedEntry], *, feed_author: bool | None = None
) -> bytes:
    """Atom bytes for prepared ``meta`` and ``entries`` (see ``prepare``).

    ``feed_author`` overrides what the entries decide (a feed author when some
    entry has none): ``fragments`` renders a document's frame without its entries.
    """
    fg, _history = new_generator(meta)
    if meta.subtitle:
        fg.subtitle(meta.subtitle)
    # RFC 4287 needs an author on the feed unless every entry has its own.
    if feed_author is None:
        feed_author = any(not item.authors for item in entries)
    if feed_author:
        fg.author(name=meta.title)
    fg.link(href=meta.self_url, rel="self", type=ATOM_TYPE)
    if meta.hub_url:
        fg.link(href=meta.hub_url, rel="hub")
    fg.link(href=meta.html_url, rel="alternate", type="text/html")
    for media_type, href in alternate_links(meta, ATOM_TYPE):
        fg.link(href=href, rel="alternate", type=media_type)
    for rel, href in history_links(meta):
        fg.link(href=href, rel=rel)
    add_entries(fg, entries, rss=False, language=meta.language)
    return fg.atom_str(pretty=False, encoding="UTF-8", xml_declaration=True)
