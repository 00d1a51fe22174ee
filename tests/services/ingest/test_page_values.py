"""A parsed page's times before it is stored: a text or HTML page's times read off
the page are never later than its receipt; a JSON page's are fields, checked."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from services.ingest.identity import content_digest
from services.ingest.page_values import check_bounds, settle_times
from services.ingest.parsing import parse_page, validate_json_document
from shared.bounds import Bounds
from shared.models import Article, Submission
from tests.support.submissions import process_page

RECEIVED = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)

EVENTS = (
    "2 December 2026\n\n"
    "Astana International Forum returns\n"
    "29 May 2027\n"
    "The forum will gather ministers and investors from forty countries in Astana.\n\n"
    "Parliament backs a new tax code\n"
    "2 December 2026, 04:10\n"
    "The lower house passed the code in its third reading on Tuesday.\n"
)


def test_a_time_read_off_a_page_is_never_after_its_receipt() -> None:
    page = settle_times(parse_page(EVENTS.encode(), "text/plain"), RECEIVED)
    forum, tax = page.articles
    # An event's date under its headline, or a local time read as UTC: the story
    # was out by the time it was received.
    assert forum.published == RECEIVED
    assert tax.published == datetime(2026, 12, 2, 4, 10, tzinfo=UTC)


def test_a_page_with_an_events_date_under_a_headline_is_stored(session: Session) -> None:
    _, outcome = process_page(session, EVENTS.encode())
    assert (outcome.status, outcome.new) == ("done", 2)
    published = {a.title: a.published_at for a in session.query(Article)}
    forum = published["Astana International Forum returns"]
    assert forum.replace(tzinfo=forum.tzinfo or UTC) <= datetime.now(UTC)


def test_a_json_pages_modified_time_is_held_to_the_window() -> None:
    far = {"articles": [{"title": "Soon", "paragraphs": ["x"], "modified": "2099-01-01T10:00:00Z"}]}
    errors = validate_json_document(json.dumps(far).encode())
    assert [e["field"] for e in errors] == ["/articles/0/modified"]
    assert "outside the accepted window" in errors[0]["message"]
    # No instant in UTC: refused as no date-time, not failed when stored.
    edge = {
        "articles": [
            {"title": "Soon", "paragraphs": ["x"], "modified": "9999-12-31T23:59:59-05:00"}
        ]
    }
    errors = validate_json_document(json.dumps(edge).encode())
    assert [e["field"] for e in errors] == ["/articles/0/modified"]
    assert "is not a valid date-time" in errors[0]["message"]


def test_a_modified_time_after_receipt_is_dropped_and_a_re_post_changes_nothing() -> None:
    body = (
        b"Kazakhstan raises fuel prices\n"
        b"Updated: 2 December 2026, 18:00\n"
        b"Prices for AI-92 petrol will rise by 5% from January, the energy ministry said.\n"
    )
    first = settle_times(parse_page(body, "text/plain"), RECEIVED)
    again = settle_times(parse_page(body, "text/plain"), RECEIVED + timedelta(minutes=5))
    # A local time read as UTC: no modified time rather than one moving with each receipt.
    assert first.articles[0].modified is None
    assert content_digest(first.articles[0]) == content_digest(again.articles[0])


def test_a_date_before_the_window_is_the_storys_not_its_own() -> None:
    body = (
        b"2 December 2026\n\n"
        b"Museum opens an exhibition on the Silk Road\n"
        b"1 March 1890\n"
        b"The exhibition opens with letters written by merchants in Bukhara, the curators said.\n"
    )
    page = settle_times(parse_page(body, "text/plain"), RECEIVED)
    assert page.articles[0].published is None
    check_bounds(page, Bounds(), RECEIVED)  # no longer fails the page


def _dated(line: str) -> bytes:
    return (
        f"Central Asia Daily\n{line}\n\n"
        "Kazakhstan Raises Key Rate to 16.5 Percent\n"
        "The National Bank of Kazakhstan raised its base rate on Monday, citing inflation.\n"
    ).encode()


@pytest.mark.parametrize(
    ("line", "received", "day"),
    [
        # Day first, 1 December, is after the receipt: month first, 12 January.
        ("1/12/2027", datetime(2027, 1, 12, 9, 0, tzinfo=UTC), date(2027, 1, 12)),
        ("1/5/2027", datetime(2027, 1, 12, 9, 0, tzinfo=UTC), date(2027, 1, 5)),
        # Month first is the day of the receipt, day first (12 April) is not.
        ("12/04/2026", datetime(2026, 12, 4, 9, 0, tzinfo=UTC), date(2026, 12, 4)),
        ("12/04/2026", datetime(2026, 12, 3, 22, 0, tzinfo=UTC), date(2026, 12, 4)),
        # Day first is the receipt's day, or both fit: day first, as the region writes.
        ("04/12/2026", datetime(2026, 12, 4, 9, 0, tzinfo=UTC), date(2026, 12, 4)),
        ("05/04/2026", datetime(2026, 12, 4, 9, 0, tzinfo=UTC), date(2026, 4, 5)),
        # A day ahead of the receipt in the page's zone stays day first.
        ("2/12/2027", datetime(2027, 12, 1, 22, 0, tzinfo=UTC), date(2027, 12, 2)),
        # Past 12 the second number is the day, wherever the receipt.
        ("12/25/2026", datetime(2026, 12, 26, 9, 0, tzinfo=UTC), date(2026, 12, 25)),
    ],
)
def test_a_slashed_page_date_is_read_as_the_receipt_allows(
    line: str, received: datetime, day: date
) -> None:
    page = settle_times(parse_page(_dated(line), "text/plain"), received)
    assert page.page_date == day
    assert page.diagnostics.warnings == ()
    check_bounds(page, Bounds(), received)


@pytest.mark.parametrize(
    ("line", "received"),
    [
        # Both readings after the receipt.
        ("11/3/2027", datetime(2027, 1, 12, 9, 0, tzinfo=UTC)),
        ("4 December 2099", RECEIVED),
        ("1 March 1890", RECEIVED),
    ],
)
def test_a_page_date_out_of_the_window_is_dropped_with_a_warning(
    line: str, received: datetime
) -> None:
    page = settle_times(parse_page(_dated(line), "text/plain"), received)
    assert page.page_date is None
    assert len(page.articles) == 1
    (warning,) = page.diagnostics.warnings
    assert warning.startswith("page date dropped: ")
    assert "outside the accepted window" in warning
    check_bounds(page, Bounds(), received)  # the page is not refused


def test_a_ticker_dated_out_of_the_window_is_dropped_with_its_date() -> None:
    # The quotes are as of the page's date: with it dropped they would be filed
    # under the receipt, and a far-future page's would stand as the newest rates.
    body = "\u2022 KGS/USD = 7.77777 0%\n".encode() + _dated("31 December 9999")
    page = parse_page(body, "text/plain")
    assert len(page.quotes) == 1
    page = settle_times(page, RECEIVED)
    assert (page.page_date, page.quotes, len(page.articles)) == (None, (), 1)
    assert page.diagnostics.warnings[1] == "1 ticker quote(s) dropped: their page's date is unknown"
    check_bounds(page, Bounds(), RECEIVED)


def test_a_page_dated_out_of_the_window_is_stored_without_its_date(session: Session) -> None:
    sub_id, outcome = process_page(session, _dated("1/12/2099"))
    assert (outcome.status, outcome.new) == ("done", 1)
    sub = session.get(Submission, sub_id)
    assert sub.page_date is None
    assert "page date dropped" in sub.diagnostics["warnings"][0]


def test_an_html_pages_date_out_of_the_window_is_dropped() -> None:
    body = (
        b"<html><body><p class='date'>4 December 2099</p><main>"
        b"<article><h2>Kazakhstan Raises Key Rate to 16.5 Percent</h2>"
        b"<p>The National Bank of Kazakhstan raised its base rate on Monday, citing inflation"
        b" that has stayed above target for the year.</p></article></main></body></html>"
    )
    parsed = parse_page(body, "text/html")
    assert parsed.page_date == date(2099, 12, 4)
    page = settle_times(parsed, RECEIVED)
    assert page.page_date is None
    assert page.articles == parsed.articles
    check_bounds(page, Bounds(), RECEIVED)


@pytest.mark.parametrize(
    ("stamp", "received", "published"),
    [
        # Day first, 4 December, is after the receipt; month first is its day.
        ("04/12/2026, 10:15", datetime(2026, 4, 12, 14, 0), datetime(2026, 4, 12, 10, 15)),
        # A time alone under the date keeps the choice.
        ("04/12/2026\n10:15", datetime(2026, 4, 12, 14, 0), datetime(2026, 4, 12, 10, 15)),
        # Month first is the day of the receipt, day first (12 April) is not.
        ("12/04/2026, 10:15", datetime(2026, 12, 4, 14, 0), datetime(2026, 12, 4, 10, 15)),
        ("Updated: 12/04/2026, 10:15", datetime(2026, 12, 4, 14, 0), None),
        # Day first fits as well as month first: day first, as the region writes.
        ("03/04/2026, 10:15", datetime(2026, 12, 4, 14, 0), datetime(2026, 4, 3, 10, 15)),
        ("04/12/2026, 10:15", datetime(2026, 12, 4, 14, 0), datetime(2026, 12, 4, 10, 15)),
    ],
)
def test_a_storys_slashed_date_is_read_as_the_page_date_is(
    stamp: str, received: datetime, published: datetime | None
) -> None:
    body = (
        "Kazakhstan opens a new border crossing with China\n"
        f"{stamp}\n"
        "The crossing at Nur Zholy will handle two thousand lorries a day, the ministry said.\n"
    )
    received = received.replace(tzinfo=UTC)
    page = settle_times(parse_page(body.encode(), "text/plain"), received)
    (article,) = page.articles
    if published is None:  # an update, on the receipt's day
        assert article.modified == datetime(2026, 12, 4, 10, 15, tzinfo=UTC)
        return
    assert article.published == published.replace(tzinfo=UTC)
    assert type(article.published) is datetime  # the alternative is not stored
    check_bounds(page, Bounds(), received)
