"""Sane ranges for the values a page carries, checked where a page comes in.

A rate with a hundred thousand digits or a page dated 9999-12-31 is valid
syntax but no real ticker or news page: left in, the first poisons every
later computation with it and the second makes its snapshot "latest" for
ever. The ingest API refuses such a JSON page with a 422 naming the field;
the ingest worker drops a date read off a text or HTML page out of range
(a misreading; ``page_values.settle_times``) and fails such a page for any
other value with the same message (its raw body is kept), so nothing out of
range is ever stored.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import zip_longest

from shared.settings import Settings

# Tags one article may carry; its feeds are these plus the all-articles feed
# and its source's feed, so one article never fans out to more renders.
MAX_TAGS_PER_ARTICLE = 50
# The rates API converts amounts in this range (a JSON number's 15 digits).
MIN_AMOUNT = Decimal("1e-15")
MAX_AMOUNT = Decimal("1e15")
# The published change text is kept as written, in a column of this width.
MAX_CHANGE_LENGTH = 16


@dataclass(frozen=True, slots=True)
class Bounds:
    rate_integer_digits: int = 12
    rate_fraction_digits: int = 12
    date_past_days: int = 36525  # about 100 years
    date_future_days: int = 2

    @classmethod
    def from_settings(cls, settings: Settings) -> Bounds:
        return cls(
            rate_integer_digits=settings.rate_max_integer_digits,
            rate_fraction_digits=settings.rate_max_fraction_digits,
            date_past_days=settings.date_past_days,
            date_future_days=settings.date_future_days,
        )

    def rate_problem(self, text: str) -> str | None:
        """Why the decimal string ``text`` is out of range as a rate, or None."""
        whole, _, fraction = text.strip().partition(".")
        whole = whole.lstrip("0") or "0"
        if len(whole) > self.rate_integer_digits:
            return (
                f"has {len(whole)} digits before the decimal point; "
                f"at most {self.rate_integer_digits}"
            )
        if len(fraction) > self.rate_fraction_digits:
            return (
                f"has {len(fraction)} digits after the decimal point; "
                f"at most {self.rate_fraction_digits}"
            )
        return None

    def window(self, received: datetime) -> tuple[date, date]:
        """The first and last day a page received at ``received`` may be dated."""
        if received.tzinfo is None:  # SQLite hands stored times back naive, in UTC
            received = received.replace(tzinfo=UTC)
        day = received.astimezone(UTC).date()
        earliest = max(date.min, day - timedelta(days=self.date_past_days))
        latest = min(date.max, day + timedelta(days=self.date_future_days))
        return earliest, latest

    def date_problem(self, value: date | datetime, received: datetime) -> str | None:
        """Why ``value`` is outside the window around ``received``, or None."""
        if isinstance(value, datetime):
            aware = value if value.tzinfo else value.replace(tzinfo=UTC)
            day = aware.astimezone(UTC).date()
        else:
            day = value
        earliest, latest = self.window(received)
        if day < earliest or day > latest:
            return (
                f"{day.isoformat()} is outside the accepted window "
                f"{earliest.isoformat()}..{latest.isoformat()} "
                f"({self.date_past_days} days before to {self.date_future_days} after receipt)"
            )
        return None


def amount_problem(amount: Decimal) -> str | None:
    if not amount.is_finite() or not MIN_AMOUNT <= amount <= MAX_AMOUNT:
        return f"must be a decimal number from {MIN_AMOUNT} to {MAX_AMOUNT:.0E}"
    return None


def page_problems(
    page_date: date | None,
    published: list[datetime | None],
    rates: list[tuple[str, str, str]],
    bounds: Bounds,
    received: datetime,
    modified: Sequence[datetime | None] = (),
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(JSON path, message) for each value of a page out of its range.

    ``rates`` holds (pair, rate text, change text) in page order;
    ``published`` and ``modified`` one entry per article, in page order.
    """
    if page_date is not None and (why := bounds.date_problem(page_date, received)):
        yield ("page_date",), why
    for index, (when, changed) in enumerate(zip_longest(published, modified)):
        if when is not None and (why := bounds.date_problem(when, received)):
            yield ("articles", index, "published"), why
        if changed is not None and (why := bounds.date_problem(changed, received)):
            yield ("articles", index, "modified"), why
    for index, (pair, text, change) in enumerate(rates):
        if why := bounds.rate_problem(text):
            yield ("rates", index, "rate"), f"{pair} {why}"
        if len(change) > MAX_CHANGE_LENGTH:
            yield (
                ("rates", index, "change"),
                f"{pair} change is {len(change)} characters long; at most {MAX_CHANGE_LENGTH}",
            )
