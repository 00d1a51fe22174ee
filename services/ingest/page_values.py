"""What a parsed page's values become before anything of it is stored: the
bounds they must keep, the time its ticker was observed, its snapshot's payload."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urljoin, urlsplit

from services.ingest.parsing import ParsedPage, ParseError
from services.ingest.parsing.dates import SlashedDate, SlashedTime
from shared import contracts
from shared.bounds import Bounds, page_problems
from shared.models import Submission


def absolute_links(page: ParsedPage, page_url: str | None) -> ParsedPage:
    """``page`` with its articles' relative links ("/news/123", from a page that
    names no base of its own) made absolute against ``page_url`` (the poster's
    ``?url=``); one that cannot be is dropped, as a feed reader would resolve
    it against the feed's own address. Absolute links are kept as published."""
    if all(a.url is None or _absolute(a.url) for a in page.articles):
        return page
    articles = tuple(
        a if a.url is None or _absolute(a.url) else replace(a, url=_resolved(a.url, page_url))
        for a in page.articles
    )
    return replace(page, articles=articles)


def _absolute(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return bool(parts.scheme and parts.netloc)


def _resolved(url: str, page_url: str | None) -> str | None:
    if page_url is None:
        return None
    try:
        joined = urljoin(page_url, url)
    except ValueError:
        return None
    return joined if _absolute(joined) else None


def check_bounds(page: ParsedPage, bounds: Bounds, received: datetime) -> None:
    """Raise ParseError naming the first value of ``page`` out of ``bounds``."""
    problems = page_problems(
        page.page_date,
        [a.published for a in page.articles],
        [(q.pair, format(q.rate, "f"), q.change) for q in page.quotes],
        bounds,
        received,
        [a.modified for a in page.articles],
    )
    for path, message in problems:
        field = "/".join(str(p) for p in path)
        raise ParseError(f"{field}: {message}")


def settle_times(page: ParsedPage, received: datetime, bounds: Bounds | None = None) -> ParsedPage:
    """A text or HTML page's article times as they can be true.

    Read off the page, a time later than its receipt is a misreading (a local
    time taken as UTC, an event's date under its headline): a story was
    published by the time it was received, so such a publication time becomes
    the receipt, and such a modified time is dropped (a time that moved with
    each receipt would make every re-post an update). A time before the
    ``bounds``' window (a museum story's "1 March 1890") is a date in the
    story, not its own: dropped, so the story is kept. A JSON page states its
    times as fields, which are checked, not moved.

    The page's own date is read the same way (``settled_page_date``): one out
    of the window is a misreading, dropped with a warning, not a reason to
    refuse the page's stories.
    """
    if received.tzinfo is None:  # SQLite hands stored times back naive, in UTC
        received = received.replace(tzinfo=UTC)
    bounds = bounds or Bounds()
    page = settled_page_date(page, received, bounds)
    earliest = datetime.combine(bounds.window(received)[0], time(0), tzinfo=UTC)

    def read(when: datetime) -> datetime:
        # A time on a slashed date either number of which could be the month:
        # read as the page's date is.
        if not isinstance(when, SlashedTime):
            return when
        stated, other = getattr(when, "stated", None), getattr(when, "month_first", None)
        if stated is None or other is None or not _month_first(stated, received, bounds):
            return when.plain()
        return other

    def published(when: datetime | None) -> datetime | None:
        if when is None or (when := read(when)) < earliest:
            return None
        return min(when, received)

    def modified(when: datetime | None) -> datetime | None:
        if when is None or (when := read(when)) < earliest or when > received:
            return None
        return when

    settled = [(published(a.published), modified(a.modified)) for a in page.articles]
    if all(
        times[0] is a.published and times[1] is a.modified
        for a, times in zip(page.articles, settled, strict=True)
    ):
        return page
    articles = tuple(
        replace(a, published=times[0], modified=times[1])
        for a, times in zip(page.articles, settled, strict=True)
    )
    return replace(page, articles=articles)


def settled_page_date(page: ParsedPage, received: datetime, bounds: Bounds) -> ParsedPage:
    """``page`` with its date as it can be true, given when it was received.

    A slashed date either number of which could be the month ("1/12/2027") is
    read day first; it is read month first when the day-first reading is later
    than the window after the receipt and the month-first one is in it, or when
    the month-first reading is the day of the receipt (from the day before to
    the window's end) and the day-first one is not. A date still out of the
    window is dropped, and a warning says so; so are the page's ticker quotes,
    which are as of that date.
    """
    day = page.page_date
    if day is None:
        return page
    if isinstance(day, SlashedDate) and _month_first(day, received, bounds):
        return replace(page, page_date=day.month_first)
    why = bounds.date_problem(day, received)
    if why is None:
        return page
    diagnostics = page.diagnostics
    warnings = [f"page date dropped: {why}"]
    if page.quotes:
        # The ticker is as of the page's date: with the date unknown, its quotes
        # would be filed under the receipt, a day the page never claimed (and a
        # far-future page's would stand as the newest rates).
        warnings.append(f"{len(page.quotes)} ticker quote(s) dropped: their page's date is unknown")
    return replace(
        page,
        page_date=None,
        quotes=(),
        diagnostics=replace(diagnostics, warnings=(*diagnostics.warnings, *warnings)),
    )


def _month_first(day: SlashedDate, received: datetime, bounds: Bounds) -> bool:
    """Whether ``day`` is read month first: its day-first reading is later than
    the window after ``received`` and the month-first one is in it, or the
    month-first reading is the day of the receipt (from the day before to the
    window's end) and the day-first one is not."""
    first, last = bounds.window(received)
    other = day.month_first
    today = received.astimezone(UTC).date()

    def on_receipt(value: date) -> bool:
        return today - timedelta(days=1) <= value <= last

    return (day > last and first <= other <= last) or (on_receipt(other) and not on_receipt(day))


def snapshot_payload(
    sub: Submission, page: ParsedPage, observed_at: datetime
) -> contracts.StoreSnapshot:
    return {
        "submission_id": sub.id,
        "observed_at": observed_at.isoformat(),
        "source": sub.source,
        "quotes": [
            {"base": q.base, "quote": q.quote, "rate": str(q.rate), "change": q.change}
            for q in page.quotes
        ],
    }


def observed_at_of(page: ParsedPage, sub: Submission) -> datetime:
    """The page's own date (midnight UTC) when it has one, else when we received it."""
    if page.page_date is not None:
        return datetime.combine(page.page_date, time(0, 0), tzinfo=UTC)
    return sub.received_at
