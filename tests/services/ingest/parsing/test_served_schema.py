"""The served page schema narrows rates and dates to the configured bounds: every
document valid against it is accepted, and the bounds' own messages stay."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from jsonschema import Draft202012Validator

from services.ingest.parsing import validate_json_document
from services.ingest.parsing.served_schema import number_range_pattern, served_page_schema
from shared.bounds import Bounds

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)


@pytest.mark.parametrize(("low", "high"), [(1927, 2025), (1, 9999), (2026, 2026), (1999, 2001)])
def test_number_range_pattern_matches_exactly_the_range(low: int, high: int) -> None:
    pattern = re.compile(number_range_pattern(low, high))
    matched = [y for y in range(10000) if pattern.fullmatch(f"{y:04d}")]
    assert matched == list(range(low, high + 1))


@pytest.mark.parametrize(
    ("page_date", "rate", "served_ok"),
    [
        ("2025-12-31", "123456789012.123456789012", True),
        ("1927-01-01", "0.5", True),
        ("2026-12-04", "1", False),  # inside the window, but not a whole year inside
        ("9999-12-31", "1", False),
        ("2025-01-01", "1234567890123", False),
        ("2025-01-01", "1.1234567890123", False),
    ],
)
def test_what_the_served_schema_allows_the_api_accepts(
    page_date: str, rate: str, served_ok: bool
) -> None:
    bounds = Bounds()
    validator = Draft202012Validator(served_page_schema(bounds, NOW))
    doc = {"page_date": page_date, "rates": [{"pair": "KGS/USD", "rate": rate, "change": "0%"}]}
    assert validator.is_valid(doc) is served_ok
    if served_ok:
        assert validate_json_document(json.dumps(doc).encode(), bounds, NOW) == []


def test_a_narrower_configuration_narrows_the_served_rate() -> None:
    schema = served_page_schema(Bounds(rate_integer_digits=3, rate_fraction_digits=0), NOW)
    assert schema["$defs"]["rate"]["properties"]["rate"]["pattern"] == "^0*[0-9]{1,3}$"


@pytest.mark.parametrize("name", ["published", "modified"])
@pytest.mark.parametrize(
    ("stamp", "served_ok"), [("2025-06-01T10:00:00Z", True), ("0003-03-01T00:01:00Z", False)]
)
def test_an_articles_times_are_narrowed_to_the_window(
    name: str, stamp: str, served_ok: bool
) -> None:
    bounds = Bounds()
    validator = Draft202012Validator(served_page_schema(bounds, NOW))
    doc = {"articles": [{"title": "Rates hold", "paragraphs": ["x"], name: stamp}]}
    assert validator.is_valid(doc) is served_ok
    assert (validate_json_document(json.dumps(doc).encode(), bounds, NOW) == []) is served_ok
