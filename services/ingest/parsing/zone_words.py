"""Zones that pages write out after a time: "4:35 pm, Astana time",
"16:35 по времени Астаны", "по астанинскому времени", "(GMT+5)"; and the
zone a page is read in for the times it prints without one."""

from __future__ import annotations

import re
from contextvars import ContextVar
from datetime import UTC, timedelta, timezone, tzinfo

# The shapes, for a pattern's zone group (matched case-insensitively).
ZONE_WORDS = (
    r"(?:gmt|utc)\s?[+\-\u2212]\s?\d{1,2}(?::?\d{2})?"
    r"|[a-z]+(?:-[a-z]+)?\s+time"
    r"|по\s+времени\s+[а-яё]+|по\s+[а-яё]+ому\s+времени"
)
_OFFSET = re.compile(r"(?:gmt|utc)\s?([+\-\u2212])\s?(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)

# The region's capitals and countries (and Moscow's, which Russian pages
# name), by the stem their English name, Russian genitive and Russian
# adjective share ("Astana time", "по времени Астаны", "по астанинскому времени").
_PLACES = {
    5: (
        "astana", "nur-sultan", "almaty", "tashkent", "dushanbe", "ashgabat", "kazakhstan",
        "uzbekistan", "tajikistan", "turkmenistan", "астан", "алмат", "ташкент",
        "душанб", "ашхабад",
    ),
    6: ("bishkek", "kyrgyzstan", "бишкек"),
    3: ("moscow", "москв", "московск"),
    4: ("baku", "tbilisi", "yerevan", "баку", "бакинск"),
    8: ("beijing", "пекин"),
}  # fmt: skip
_STEMS = tuple((stem, hours) for hours, stems in _PLACES.items() for stem in stems)


def zone_in_words(zone: str) -> tzinfo | None:
    """The offset a zone written out names; ``None`` for a place not known."""
    offset = _OFFSET.fullmatch(zone)
    if offset is not None:
        sign = -1 if offset[1] != "+" else 1
        minutes = int(offset[2]) * 60 + int(offset[3] or 0)
        if minutes >= 24 * 60:
            return None
        return timezone(sign * timedelta(minutes=minutes))
    words = zone.lower().split()
    if len(words) < 2:
        return None
    place = words[0] if words[-1] == "time" else words[1] if words[-1] == "времени" else words[-1]
    return next(
        (timezone(timedelta(hours=hours)) for stem, hours in _STEMS if place.startswith(stem)),
        None,
    )


# The zone the times a page prints without one are in: the outlet's, which the
# page never says ("Сегодня, 00:40" from Almaty). UTC unless the page is read
# in another (``page_zone``); a zone the page writes out always wins.
_PAGE_ZONE: ContextVar[tzinfo] = ContextVar("page_zone", default=UTC)


class _ZoneScope:
    # A class, not a generator: entered for every page, it costs a quarter as much.
    __slots__ = ("_token", "_zone")

    def __init__(self, zone: tzinfo) -> None:
        self._zone = zone

    def __enter__(self) -> None:
        self._token = _PAGE_ZONE.set(self._zone)

    def __exit__(self, *exc: object) -> None:
        _PAGE_ZONE.reset(self._token)


def page_zone(zone: tzinfo | None) -> _ZoneScope:
    """Read the times in a page that name no zone in ``zone`` (None: UTC),
    and count "Today" from the day it was received there."""
    return _ZoneScope(zone or UTC)


def unnamed_zone() -> tzinfo:
    """The zone the page being read prints its times without a zone in."""
    return _PAGE_ZONE.get()
