"""A feed entry keys the prepared-entry and fragment stores: its hash, made once,
agrees with its equality whatever field differs."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from services.feed.render.model import FeedEntry, _key

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
ENTRY = FeedEntry("urn:uuid:1", "Title", "https://example.com/a", AT, AT, "Sum", ("p1", "p2"))


def test_the_hash_covers_every_field_equality_compares() -> None:
    compared = [f.name for f in dataclasses.fields(FeedEntry) if f.compare]
    assert _key(ENTRY) == tuple(getattr(ENTRY, name) for name in compared)


@pytest.mark.parametrize(
    "change",
    [
        {"guid": "urn:uuid:2"},
        {"title": "Other"},
        {"link": "https://example.com/b"},
        {"published": AT + timedelta(seconds=1)},
        {"updated": AT.astimezone(UTC) + timedelta(hours=1)},
        {"summary": "S"},
        {"paragraphs": ("p1",)},
        {"tags": ("x",)},
        {"authors": ("A",)},
    ],
)
def test_equal_entries_hash_alike_and_a_changed_one_is_another_key(change: dict) -> None:
    same = dataclasses.replace(ENTRY)
    assert same == ENTRY and hash(same) == hash(ENTRY)
    other = dataclasses.replace(ENTRY, **change)
    assert other != ENTRY
    store = {ENTRY: "kept"}
    assert store.get(other) is None and store[same] == "kept"
    assert hash(other) == hash(dataclasses.replace(other))
