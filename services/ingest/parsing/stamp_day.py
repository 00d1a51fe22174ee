"""What a front page's relative stamps ("Вчера, 18:40", "Today, 09:15",
"3 декабря, 19:48") count from: the page's date, else the day it was received.

A text page reads its stamps so (``text_dates.relative_day_line``); an HTML
page's cards are read the same way, with the same warning when the page
states no date and its receipt is not known.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from .dates import DateLine
from .notes import Notes
from .text_dates import relative_day_line


class StampDay(NamedTuple):
    """The page's date (``day``) and receipt a relative stamp counts from,
    and the notes its warning goes to."""

    day: date | None
    received: datetime | None
    notes: Notes

    def read(self, line: str) -> DateLine | None:
        """The date line ``line`` is when it names a day relative to another."""
        return relative_day_line(line, self.day, self.received, self.notes)
