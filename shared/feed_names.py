"""Feed names: how every service builds and reads the name of a feed.

A refresh (``contracts.REFRESH_FEEDS``) carries feed names: the ingest worker names
the article feeds a change touches, the rates worker the rate feeds a snapshot
touches, the feed service parses them to render. All of them go through ``FeedSpec``:

    articles               every article
    tag:<slug>             one country tag
    source:<name>          one upstream source
    rates                  one entry per ticker snapshot
    pair:<BASE>-<QUOTE>    one currency pair
    rates-moves            notable moves only
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

# The kinds of feed. A plain feed's name is its kind; the others are "<kind>:<value>".
ARTICLES = "articles"
TAG = "tag"
SOURCE = "source"
RATES = "rates"
PAIR = "pair"
RATE_MOVES = "rates-moves"

PLAIN_KINDS = (ARTICLES, RATES, RATE_MOVES)
VALUED_KINDS = (TAG, SOURCE, PAIR)


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """A named feed: its name as messages carry it, its kind, and the kind's value."""

    name: str
    kind: str
    value: str | None = None

    @classmethod
    def articles(cls) -> FeedSpec:
        return cls(ARTICLES, ARTICLES)

    @classmethod
    def tag(cls, slug: str) -> FeedSpec:
        return cls.of(TAG, slug)

    @classmethod
    def source(cls, name: str) -> FeedSpec:
        return cls.of(SOURCE, name)

    @classmethod
    def rates(cls) -> FeedSpec:
        return cls(RATES, RATES)

    @classmethod
    def pair(cls, base: str, quote: str) -> FeedSpec:
        return cls.pair_named(f"{base}-{quote}")

    @classmethod
    def pair_named(cls, pair: str) -> FeedSpec:
        """The feed of ``pair`` written as in URLs and names: ``KGS-USD``."""
        return cls.of(PAIR, pair)

    @classmethod
    def rate_moves(cls) -> FeedSpec:
        return cls(RATE_MOVES, RATE_MOVES)

    @classmethod
    def of(cls, kind: str, value: str) -> FeedSpec:
        """The feed of a valued kind (tag, source, pair): ``<kind>:<value>``."""
        return cls(f"{kind}:{value}", kind, value)

    @classmethod
    def parse(cls, name: str) -> FeedSpec:
        """The feed a name names; ValueError for a name no feed has."""
        return _parsed(name)


# A feed task parses each of a round's names several times (which feeds it has
# stored, which to render, each document's key): a spec is immutable, so the
# same one serves them all. A name that names no feed raises and is not kept.
@functools.lru_cache(maxsize=4096)
def _parsed(name: str) -> FeedSpec:
    if name in PLAIN_KINDS:
        return FeedSpec(name, name)
    kind, _, value = name.partition(":")
    if kind in VALUED_KINDS and value:
        return FeedSpec.of(kind, value)
    raise ValueError(f"unknown feed {name!r}")
