"""Conditional GET decisions (RFC 9110 §13.1)."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.conditional import not_modified

LM = datetime(2025, 12, 15, 10, 30, 0, 500000, tzinfo=UTC)
ETAG = '"abc123"'


def test_matching_etag_is_not_modified() -> None:
    assert not_modified(ETAG, LM, '"abc123"', None)
    assert not_modified(ETAG, LM, '"zzz", "abc123"', None)
    assert not_modified(ETAG, LM, 'W/"abc123"', None)
    assert not_modified(ETAG, LM, "*", None)


def test_if_none_match_takes_precedence_over_if_modified_since() -> None:
    assert not not_modified(ETAG, LM, '"other"', "Mon, 15 Dec 2025 10:30:00 GMT")


def test_if_modified_since_compares_not_newer_than() -> None:
    assert not_modified(ETAG, LM, None, "Mon, 15 Dec 2025 10:30:00 GMT")  # equal (to the second)
    assert not_modified(ETAG, LM, None, "Tue, 16 Dec 2025 00:00:00 GMT")  # later
    assert not not_modified(ETAG, LM, None, "Mon, 15 Dec 2025 10:29:59 GMT")  # earlier
    assert not_modified(ETAG, LM, None, "Monday, 15-Dec-25 10:30:00 GMT")  # RFC 850 form


def test_garbage_dates_mean_modified() -> None:
    assert not not_modified(ETAG, LM, None, "yesterday")
    assert not not_modified(ETAG, LM, None, "")
