"""Page date lines: ``15 December 2025``, ``Dec 15, 2025``, ``2025-12-15``…"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# Russian month names in the genitive, as dates print them ("15 декабря 2025").
_RU_MONTHS = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6,
    "июл": 7, "август": 8, "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
}  # fmt: skip
_RU_MONTH = r"(?:январ|феврал|апрел|июн|июл|сентябр|октябр|ноябр|декабр)я|марта|мая|августа"
MONTH_PATTERN = _MONTH
RU_MONTH_PATTERN = _RU_MONTH
_WEEKDAY = (
    r"(?:(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?"
    r"|понедельник|вторник|среда|четверг|пятница|суббота|воскресенье),?\s+)?"
)
# "Updated: 3 March 2026", "Published 03.03.2026", "Обновлено: 15 декабря 2025".
_LABEL = r"(?:(?:updated|published|posted|last\s+updated|обновлено|опубликовано)\s*:?\s+)?"
_ORDINAL = r"(?:st|nd|rd|th)?"
# Pages often print the time of the last update after the date ("…, 10:45",
# "… at 10:45 am", "… | 14:05").
_TIME = (
    r"(?:(?:,?\s+(?:at\s+)?|\s*[|\u00b7\u2022\u2013\u2014-]\s*)"
    r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s+[a-z]{2,5})?)?"
)
# At the head of a page only, its place or name may stand before the date:
# "Bishkek, 2 December 2026", "CENTRAL ASIA DAILY — 3 March 2026". Under a
# headline the first is a dateline, which stays in the story's body, and a
# headline may end in a date after a dash ("Astana Investment Forum - March 3, 2026").
_HEAD = (
    r"(?:[^\W\d_][^\W\d_\-]+(?:[\s\-][^\W\d_]+)?,\s+"
    r"|(?-i:[^\W\d_a-zа-яё]{2,}(?:[\s\-.][^\W\d_a-zа-яё]+){0,3})\s+[|\u2013\u2014-]\s+)"
)
_DATE = (
    rf"{_WEEKDAY}(?:"
    rf"(?P<d1>\d{{1,2}}){_ORDINAL}\s+(?P<m1>{_MONTH}),?\s+(?P<y1>\d{{4}})"
    rf"|(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}}){_ORDINAL},?\s+(?P<y2>\d{{4}})"
    rf"|(?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}})"
    rf"|(?P<d4>\d{{2}})\.(?P<m4>\d{{2}})\.(?P<y4>\d{{4}})"
    rf"|(?P<d5>\d{{1,2}})\s+(?P<m5>{_RU_MONTH})\s+(?P<y5>\d{{4}})(?:\s*г(?:ода|\.)?)?"
    rf"){_TIME}\s*"
)
_DATE_LINE = re.compile(rf"\s*{_LABEL}{_DATE}", re.IGNORECASE)
_HEAD_DATE_LINE = re.compile(rf"\s*{_LABEL}(?:{_HEAD})?{_DATE}", re.IGNORECASE)
MAX_DATE_LINE = 60
# Every shape above has a four-digit year: most short lines of a page (menus,
# headings, captions) have none, and this look costs a fifth of the full match.
YEAR = re.compile(r"\d{4}")


def parse_date_line(line: str, *, page_head: bool = False) -> date | None:
    """The date ``line`` states when the whole line is a date, else ``None``;
    ``page_head``: the line stands above the page's first story."""
    if len(line) > MAX_DATE_LINE or YEAR.search(line) is None:
        return None
    match = (_HEAD_DATE_LINE if page_head else _DATE_LINE).fullmatch(line)
    if match is None:
        return None
    if match["y3"]:
        year, month, day = int(match["y3"]), int(match["m3"]), int(match["d3"])
    elif match["y4"]:
        # Day first, as everywhere the region writes dates with dots.
        year, month, day = int(match["y4"]), int(match["m4"]), int(match["d4"])
    elif match["y5"]:
        name = match["m5"].lower()
        month = next(
            number
            for stem, number in _RU_MONTHS.items()
            if name[: len(stem)] == stem and len(name) - len(stem) <= 2
        )
        year, day = int(match["y5"]), int(match["d5"])
    else:
        year = int(match["y1"] or match["y2"])
        month = _MONTHS[(match["m1"] or match["m2"])[:3].lower()]
        day = int(match["d1"] or match["d2"])
    try:
        return date(year, month, day)
    except ValueError:
        # "30 February 2025" is shaped like a date but names none.
        return None


def parse_iso_date(value: str) -> date | None:
    """The calendar date at the start of an ISO 8601 date or date-time string."""
    value = value.strip()
    if len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_iso_datetime(value: str) -> datetime | None:
    """An ISO 8601 date-time with a time part; naive values are taken as UTC.

    A feed entry needs an absolute instant, and UTC is the only zone a
    submitter who wrote none can be assumed to mean.
    """
    value = value.strip()
    if len(value) <= 10 or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
