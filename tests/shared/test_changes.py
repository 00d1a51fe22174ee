"""Change announcements: a list of keys, or keys with the new bytes of some of them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from shared.changes import (
    MAX_CARRIED_BYTES,
    ChangedDocument,
    decode,
    decode_stale,
    encode,
    stale_note,
)

AT = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


def document(key: str, body: bytes) -> ChangedDocument:
    return ChangedDocument(
        key=key,
        content_type="application/feed+json; charset=utf-8",
        body=body,
        etag='"abc"',
        last_modified=AT.replace(microsecond=0),
        rendered_at=AT,
        as_of=AT - timedelta(milliseconds=3),
    )


def test_keys_alone_are_the_json_list_every_listener_reads() -> None:
    message = encode(["articles.json", "rates.atom"])
    assert json.loads(message) == ["articles.json", "rates.atom"]
    assert decode(message) == (["articles.json", "rates.atom"], [])
    assert decode(message.encode()) == (["articles.json", "rates.atom"], [])


def test_carried_documents_come_back_byte_for_byte() -> None:
    docs = [document("articles.json", b'{"a":\n"\xd0\x96"}\n'), document("articles.atom", b"")]
    keys, carried = decode(encode(["articles.json", "articles.atom", "rates.rss"], docs))
    assert keys == ["articles.json", "articles.atom", "rates.rss"]
    assert carried == docs


def test_only_named_documents_ride_and_only_up_to_the_cap() -> None:
    big = document("articles.atom", b"x" * (MAX_CARRIED_BYTES - 10))
    small = document("articles.json", b"y" * 10)
    too_much = document("articles.rss", b"z")
    other = document("tag:x.json", b"w")
    keys = ["articles.atom", "articles.json", "articles.rss"]
    _, carried = decode(encode(keys, [big, small, too_much, other]))
    assert [doc.key for doc in carried] == ["articles.atom", "articles.json"]
    # Nothing fits: the plain list.
    alone = encode(["articles.rss"], [document("articles.rss", b"z" * (MAX_CARRIED_BYTES + 1))])
    assert json.loads(alone) == ["articles.rss"]


@pytest.mark.parametrize(
    "data",
    [
        b"{}",
        b'{"keys": [1]}',
        b'"articles.json"',
        b'{"keys": ["a"], "documents": [{"key": "a", "length": 5}]}\nabc',
        encode(["a"], [document("a", b"abcdef")])[:-1],
    ],
)
def test_a_malformed_announcement_is_refused(data: bytes) -> None:
    with pytest.raises((ValueError, KeyError, TypeError)):
        decode(data)


def test_a_stale_note_is_told_from_an_announcement() -> None:
    note = stale_note(["articles", "tag:china"], AT)
    assert decode_stale(note) == (["articles", "tag:china"], AT, None)
    assert decode_stale(note.encode()) == (["articles", "tag:china"], AT, None)
    token = "0123456789abcdef" * 2
    assert decode_stale(stale_note(["articles"], AT, token)) == (["articles"], AT, token)
    assert decode_stale(encode(["articles.json"])) is None
    assert decode_stale(encode(["articles.json"], [document("articles.json", b"{}")])) is None
    with pytest.raises(ValueError):
        decode_stale(b'{"stale": ["articles"], "at": "2026-01-02T03:04:05"}')  # naive
    with pytest.raises(ValueError):
        decode_stale(b'{"stale": "articles", "at": "2026-01-02T03:04:05+00:00"}')
    with pytest.raises(ValueError):  # a reply token names a Redis key: hex only
        decode_stale(stale_note(["articles"], AT, "x*"))
