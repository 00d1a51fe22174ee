"""Feed names: every constructor's name parses back to the same feed, and nothing else parses."""

from __future__ import annotations

import pytest

from shared.feed_names import FeedSpec


@pytest.mark.parametrize(
    ("spec", "name", "kind", "value"),
    [
        (FeedSpec.articles(), "articles", "articles", None),
        (FeedSpec.tag("kazakhstan"), "tag:kazakhstan", "tag", "kazakhstan"),
        (FeedSpec.source("timesca"), "source:timesca", "source", "timesca"),
        (FeedSpec.rates(), "rates", "rates", None),
        (FeedSpec.pair("KGS", "USD"), "pair:KGS-USD", "pair", "KGS-USD"),
        (FeedSpec.pair_named("KZT-USD"), "pair:KZT-USD", "pair", "KZT-USD"),
        (FeedSpec.rate_moves(), "rates-moves", "rates-moves", None),
    ],
)
def test_constructors_name_what_parse_reads(
    spec: FeedSpec, name: str, kind: str, value: str | None
) -> None:
    assert (spec.name, spec.kind, spec.value) == (name, kind, value)
    assert FeedSpec.parse(name) == spec


@pytest.mark.parametrize("name", ["", "tag:", "pair:", "feeds", "tags:x", "rates:KGS-USD", "x:y"])
def test_a_name_no_feed_has_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="unknown feed"):
        FeedSpec.parse(name)
