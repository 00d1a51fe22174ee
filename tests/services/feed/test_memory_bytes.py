"""Every in-process copy is bounded by bytes, not only by entries: two thousand
distinct ?q= variants of a 1 MB feed, or two-month rates answers, cannot grow a
feed process past its budget."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime
from unittest import mock

from services.feed.copies import held_bytes
from services.feed.memory import FeedMemory
from services.feed.render import prepare
from services.feed.render.model import FeedEntry
from services.feed.serving import StoredFeed
from services.rates.http import Answer
from services.rates.memory import LatestRatesMemory
from shared.byte_lru import ByteLRU

MB = 1024 * 1024


def big_feed(key: str) -> StoredFeed:
    # Incompressible, so the gzip copy is as large as the body.
    return StoredFeed(key, "application/atom+xml", os.urandom(MB), '"e"', datetime.now(UTC), "x")


def test_query_variants_are_held_up_to_the_byte_budget() -> None:
    memory = FeedMemory(mock.Mock(), mock.Mock(), "p:", max_entries=10_000, max_bytes=16 * MB)
    feed = big_feed("articles.atom")
    size = held_bytes(feed)
    for i in range(2000):
        memory.put(replace(feed, key=f"articles.atom?q=w{i}"), memory.generation)
        entries, held = memory.held
        assert held <= 16 * MB
    assert entries == (16 * MB) // size
    # The newest variants are the ones kept; the first are gone.
    assert memory.get("articles.atom?q=w1999") is not None
    assert memory.get("articles.atom?q=w0") is None
    memory.forget(["articles.atom"])
    assert memory.held == (0, 0)


def test_a_document_larger_than_the_whole_budget_is_not_kept() -> None:
    memory = FeedMemory(mock.Mock(), mock.Mock(), "p:", max_bytes=MB)
    memory.put(big_feed("articles.atom"), memory.generation)
    assert memory.held == (0, 0)


def test_rates_answers_are_held_up_to_their_byte_budget() -> None:
    memory = LatestRatesMemory(max_entries=10_000, max_bytes=4 * MB)
    answer = Answer.of(b"x" * (MB // 2), "application/json")
    for i in range(600):
        memory.put(("latest", str(i)), answer, 1, memory.generation)
        assert memory.held_bytes <= 4 * MB
    assert len(memory) == 7  # 7 × (512 KiB + key + overhead) fits in 4 MiB, 8 do not
    assert memory.get(("latest", "599")) is not None
    memory.forget()
    assert memory.held_bytes == 0 and len(memory) == 0


def test_byte_lru_replaces_a_key_without_counting_it_twice() -> None:
    lru: ByteLRU[str] = ByteLRU(max_entries=10, max_bytes=100)
    lru.put("a", "one", 60)
    lru.put("a", "two", 60)
    assert lru.bytes == 60 and lru.get("a") == "two"
    lru.put("b", "three", 60)
    assert lru.get("a") is None and lru.bytes == 60


def test_prepared_entries_are_bounded_by_bytes() -> None:
    prepare.clear_prepared()
    budget = prepare._PREPARED.max_bytes
    now = datetime.now(UTC)
    paragraph = "word " * 100_000  # 500 KB of text
    for i in range(300):
        prepare.prepare_entry(
            FeedEntry(
                guid=f"urn:uuid:00000000-0000-0000-0000-{i:012d}",
                title=f"t{i}",
                link="https://example.com/",
                published=now,
                updated=now,
                summary="s",
                paragraphs=(paragraph + str(i),),
            )
        )
        assert prepare._PREPARED.bytes <= budget
    assert 0 < len(prepare._PREPARED) < 300
    prepare.clear_prepared()
