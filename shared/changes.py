"""Announcing stored changes to every feed web process, which drops its copies at once.

One Redis pub/sub channel per stack. A message is a JSON list of keys, or,
when it carries new bytes, a JSON object ``{"keys": [...], "documents": [...]}``
on one line followed by the documents' bytes one after another (each entry of
``documents`` gives its length). A key names a stored feed document
(``rates.atom``, ``tag:china.atom?q=x``) or, for a copy that is not a feed,
the name below. Workers on any host announce here after they commit; the feed
processes' watcher (``services.feed.memory``) listens, and sweeps the database
for what an announcement lost in transit.

The bytes ride along so that a web process serving a document keeps serving
it from memory, the new bytes put at once instead of read back from the
database (see ``FeedMemory.refresh`` for when it takes them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import redis

# The feed process's copy of /api/v1/rates/latest answers: a name no feed
# takes (no dot, no slash, so it stays whole when read as a feed key).
LATEST_RATES = "api:rates-latest"

# Bytes carried in one announcement at most: beyond, the web processes read the
# documents from the database (a subscriber that falls behind by Redis' pub/sub
# output limit is disconnected, and what it missed waits for the sweep).
MAX_CARRIED_BYTES = 1 << 20

_DATES = ("last_modified", "rendered_at", "as_of")


@dataclass(frozen=True, slots=True)
class ChangedDocument:
    """A stored document's bytes and validators as its render wrote and committed them."""

    key: str
    content_type: str
    body: bytes
    etag: str
    last_modified: datetime
    rendered_at: datetime
    # The row's coverage (``RenderedFeed.as_of``), which only ever grows: a web
    # process tells an older render from a newer one by it.
    as_of: datetime


def changes_channel(prefix: str) -> str:
    return f"{prefix}feeds:changed"


def announce(
    client: redis.Redis,
    prefix: str,
    keys: list[str],
    documents: Collection[ChangedDocument] = (),
) -> None:
    """Tell every web process these stored documents changed; ``documents``: the new
    bytes of some of them, carried along (up to ``MAX_CARRIED_BYTES``)."""
    if keys:
        client.publish(changes_channel(prefix), encode(keys, documents))


def encode(keys: list[str], documents: Collection[ChangedDocument] = ()) -> str | bytes:
    named = set(keys)
    carried, size = [], 0
    for doc in documents:
        if doc.key in named and size + len(doc.body) <= MAX_CARRIED_BYTES:
            carried.append(doc)
            size += len(doc.body)
    if not carried:
        return json.dumps(keys)
    head = {
        "keys": keys,
        "documents": [
            {
                "key": doc.key,
                "content_type": doc.content_type,
                "etag": doc.etag,
                **{name: getattr(doc, name).isoformat() for name in _DATES},
                "length": len(doc.body),
            }
            for doc in carried
        ],
    }
    # ASCII JSON holds no line break: the first one ends the head.
    return b"".join([json.dumps(head).encode(), b"\n", *(doc.body for doc in carried)])


# A stale note's head: it tells of feeds changed whose render is still to come.
_STALE_HEAD = b'{"stale": '
# A stale note's reply token (``shared.ahead_wait.new_token``): it names Redis keys.
_REPLY = re.compile(r"[0-9a-f]{32}")


class StaleNote(NamedTuple):
    feeds: list[str]
    at: datetime
    # Where each web process that hears the note replies once it has rendered
    # what it holds of these feeds (``shared.ahead_wait``); None: no reply wanted.
    reply: str | None = None


def stale_note(feeds: list[str], requested_at: datetime, reply: str | None = None) -> str:
    """The note a refresh request publishes on the changes channel: these feeds
    changed at ``requested_at`` and their render is on its way (a web process
    serving one may render it on the reader's request instead of waiting)."""
    note: dict[str, object] = {"stale": feeds, "at": requested_at.isoformat()}
    if reply is not None:
        note["reply"] = reply
    return json.dumps(note)


def decode_stale(data: bytes | str) -> StaleNote | None:
    """A stale note; None for anything else (an announcement). ValueError if it is
    a malformed note."""
    raw = data.encode() if isinstance(data, str) else data
    if not raw.startswith(_STALE_HEAD):
        return None
    note = json.loads(raw)
    reply = note.get("reply")
    if reply is not None and not (isinstance(reply, str) and _REPLY.fullmatch(reply)):
        raise ValueError("a stale note's reply is not a reply token")
    return StaleNote(_keys(note.get("stale")), _aware(note.get("at")), reply)


def decode(data: bytes | str) -> tuple[list[str], list[ChangedDocument]]:
    """The keys of an announcement and the documents it carries; ValueError if malformed."""
    raw = data.encode() if isinstance(data, str) else data
    head_text, _, bodies = raw.partition(b"\n")
    head = json.loads(head_text)
    if isinstance(head, list):
        return _keys(head), []
    if not isinstance(head, dict):
        raise ValueError("an announcement is a list of keys or an object")
    keys = _keys(head.get("keys"))
    documents, at = [], 0
    for item in head.get("documents", []):
        length = item["length"]
        if not isinstance(length, int) or isinstance(length, bool):
            raise ValueError("an announced document's length is not a whole number")
        if length < 0 or at + length > len(bodies):
            raise ValueError("an announcement's documents are shorter than its head says")
        documents.append(
            ChangedDocument(
                key=str(item["key"]),
                content_type=str(item["content_type"]),
                body=bodies[at : at + length],
                etag=str(item["etag"]),
                **{name: _aware(item[name]) for name in _DATES},
            )
        )
        at += length
    return keys, documents


def _keys(value: object) -> list[str]:
    if isinstance(value, list) and all(isinstance(key, str) for key in value):
        return value
    raise ValueError("keys must be a list of strings")


def _aware(text: object) -> datetime:
    value = datetime.fromisoformat(str(text))
    if value.tzinfo is None:
        raise ValueError(f"naive time in an announcement: {text!r}")
    return value

