"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from .model import FeedMeta
from .prepare import PreparedEntry

VERSION = "https://jsonfeed.org/version/1.1"


def rfc3339(value: datetime) -> str:
    return value.isoformat()


def json_item(item: PreparedEntry) -> bytes:
    """One item as it appears in a document's ``items`` array, stating no language
    (a document whose language is not the item's adds it: ``with_language``)."""
    return _dumps(_item(item, item.language))


def with_language(fragment: bytes, language: str) -> bytes:
    """``json_item``'s bytes with the item's ``language`` last, as ``_item`` writes it."""
    return b"".join((fragment[:-1], b',"language":', _dumps(language), b"}"))


def _dumps(doc: object) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _item(item: PreparedEntry, feed_language: str | None) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": item.guid}
    if item.link:
        doc["url"] = item.link
    doc["title"] = item.title
    doc["content_html"] = item.content_html
    doc["summary"] = item.summary
    doc["date_published"] = rfc3339(item.published)
    doc["date_modified"] = rfc3339(item.updated)
    if item.tags:
        doc["tags"] = list(item.tags)
    if item.authors:
        doc["authors"] = [{"name": name} for name in item.authors]
    if item.language and item.language != feed_language:
        doc["language"] = item.language
    return doc


def render_json(meta: FeedMeta, entries: Sequence[PreparedEntry]) -> bytes:
    """JSON Feed bytes for prepared ``meta`` and ``entries`` (see ``prepare``)."""
    doc: dict[str, Any] = {
        "version": VERSION,
        "title": meta.title,
        "home_page_url": meta.html_url,
        "feed_url": meta.self_url,
    }
    if meta.hub_url:
        doc["hubs"] = [{"type": "WebSub", "url": meta.hub_url}]
    if meta.subtitle:
        doc["description"] = meta.subtitle
    if meta.language is not None:
        doc["language"] = meta.language
    # JSON Feed pages only one way: next_url leads to older items, which is
    # where an RFC 5005 prev-archive document is.
    if meta.prev_archive_url:
        doc["next_url"] = meta.prev_archive_url
    # An archive document never changes again, which is what "expired" tells readers.
    if meta.is_archive:
        doc["expired"] = True
    doc["items"] = [_item(item, meta.language) for item in entries]
    return _dumps(doc)
