"""RSS 2.0 with atom:link self/paging links and RFC 5005 archiving."""

from __future__ import annotations

from collections.abc import Sequence

from .model import FeedMeta
from .prepare import PreparedEntry
from .xmlfeed import add_entries, alternate_links, history_links, new_generator

RSS_TYPE = "application/rss+xml"


def render_rss(meta: FeedMeta, entries: Sequence[PreparedEntry]) -> bytes:
    """RSS bytes for prepared ``meta`` and ``entries`` (see ``prepare``)."""
    fg, history = new_generator(meta)
    # RSS requires a channel description; the title stands in for a blank subtitle.
    fg.description(meta.subtitle or meta.title)
    if meta.ttl_minutes:
        fg.ttl(meta.ttl_minutes)
    fg.load_extension("dc", atom=False, rss=True)
    fg.link(href=meta.self_url, rel="self", type=RSS_TYPE)
    # feedgen uses the last link added as the channel <link>.
    fg.link(href=meta.html_url, rel="alternate", type="text/html")
    history.rss_links = tuple(
        [("alternate", href, media_type) for media_type, href in alternate_links(meta, RSS_TYPE)]
        + [(rel, href, None) for rel, href in history_links(meta)]
    )
    add_entries(fg, entries, rss=True)
    return fg.rss_str(pretty=False, encoding="UTF-8", xml_declaration=True)
