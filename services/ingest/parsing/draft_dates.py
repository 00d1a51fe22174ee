"""What dates a story's draft on a text page: its date lines, on the day of
the date line above it."""

from __future__ import annotations

from datetime import date

from .articles import Draft
from .dates import DateLine, at_day_of


def on_day(when: DateLine, day: date | None) -> DateLine:
    """``when`` as it dates a story: a time alone, read on the page's first day,
    is on ``day`` instead, the day of the last date line between stories above
    it (a live page's "3 December 2026" over that day's items), as a date line
    above a time within a story gives the time its day."""
    if not when.clock_only or day is None or when.day == day:
        return when
    return when._replace(day=day, at=when.at + (day - when.day))


def date_draft(draft: Draft, when: DateLine, day_only: set[int]) -> None:
    """Date ``draft`` by ``when``; ``day_only``: the drafts dated by a day alone so far."""
    if when.updated:
        draft.modified = draft.modified or when.at
    elif draft.published is None:
        draft.published = when.at
        if not when.timed:
            day_only.add(id(draft))
    elif when.clock_only and id(draft) in day_only:
        # "1 December 2026", then "14:35": the time of that day, not the page's.
        day_only.discard(id(draft))
        draft.published = at_day_of(when, draft.published)
