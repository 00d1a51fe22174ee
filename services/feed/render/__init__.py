"""Feed renderers: Atom 1.0, RSS 2.0 and JSON Feed 1.1 from one entry model.

Rendering is a pure function of its input: the same meta and entries always
give the same bytes, so the feed worker can store them and the web app can
serve them with a stable ETag. ``render_formats`` builds a document whole;
``assemble_formats`` gives the same bytes from each entry's stored fragments
(see ``fragments``), which is what the feed worker and the web app use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .atom import render_atom
from .fragments import FORMATS, assemble_formats, clear_fragments
from .html import content_html
from .jsonfeed import render_json
from .model import FeedEntry, FeedMeta
from .prepare import PreparedEntry, prepare_entries, prepare_meta
from .rss import render_rss
from .text import xml_safe

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "FeedEntry",
    "FeedMeta",
    "assemble_formats",
    "clear_fragments",
    "content_html",
    "render_feed",
    "render_formats",
    "xml_safe",
]

MEDIA_TYPES = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}

_RENDERERS: dict[str, Callable[[FeedMeta, Sequence[PreparedEntry]], bytes]] = {
    "atom": render_atom,
    "rss": render_rss,
    "json": render_json,
}


def render_feed(fmt: str, meta: FeedMeta, entries: Sequence[FeedEntry]) -> bytes:
    """The feed document in format ``fmt`` (one of FORMATS), as UTF-8 bytes.

    Raises ValueError for an unknown format, naive datetimes, non-absolute
    feed URLs, a malformed language tag, or duplicate or non-URI entry guids.
    """
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown feed format {fmt!r}; expected one of {FORMATS}") from None
    return renderer(prepare_meta(meta), prepare_entries(entries))


def render_formats(metas: dict[str, FeedMeta], entries: Sequence[FeedEntry]) -> dict[str, bytes]:
    """Several formats of one feed from one preparation of its entries."""
    prepared = prepare_entries(entries)
    out = {}
    for fmt, meta in metas.items():
        if fmt not in _RENDERERS:
            raise ValueError(f"unknown feed format {fmt!r}; expected one of {FORMATS}")
        out[fmt] = _RENDERERS[fmt](prepare_meta(meta), prepared)
    return out
