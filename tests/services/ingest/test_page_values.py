"""A parsed page's times before it is stored: a text or HTML page's times read off
the page are never later than its receipt; a JSON page's are fields, checked."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from services.ingest.identity import content_digest
from services.ingest.page_values import check_bounds, settle_times
from services.ingest.parsing import parse_page, validate_json_document
from shared.bounds import Bounds
from shared.models import Article
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
