"""A held copy of a stored feed document: the feed it belongs to, what holding it
costs, the copy made of an announced document, and which of two is newer (by
the database time each render read, ``as_of``, which only grows)."""

from __future__ import annotations

from services.feed.serving import StoredFeed
from shared.changes import ChangedDocument


def feed_name_of(key: str) -> str:
    """'tag:china.atom?q=x' → 'tag:china'; 'articles/archive/2.rss' → 'articles'."""
    return key.split("/archive/", 1)[0].split("?", 1)[0].rsplit(".", 1)[0]


def held_bytes(feed: StoredFeed) -> int:
    """What holding ``feed`` costs: its bytes, room for their gzip encoding (made on
    the first request that accepts it, never larger than the bytes but for a
    header), and its key."""
    return 2 * len(feed.body) + len(feed.key) + 256


def holds(held: StoredFeed | None, doc: ChangedDocument) -> bool:
    """Whether ``held`` is ``doc``'s render or a newer one."""
    return held is not None and held.as_of is not None and held.as_of >= doc.as_of


def older(feed: StoredFeed, held: StoredFeed) -> bool:
    return feed.as_of is not None and held.as_of is not None and feed.as_of < held.as_of


def newer(doc: ChangedDocument, old: StoredFeed) -> bool:
    return old.as_of is not None and doc.as_of > old.as_of


def copy_of(doc: ChangedDocument, old: StoredFeed) -> StoredFeed:
    """The copy to hold of ``doc``, served with the headers of the copy it replaces."""
    return StoredFeed.build(
        doc.key,
        doc.content_type,
        doc.body,
        doc.etag,
        doc.last_modified,
        old.cache_control,
        old.link,
        doc.rendered_at,
        doc.as_of,
    )
