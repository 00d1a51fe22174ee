"""Page date lines: ``15 December 2025``, ``Dec 15, 2025``, ``2025-12-15``…"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import NamedTuple

from .zone_words import ZONE_WORDS, unnamed_zone, zone_in_words

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
    # Kazakh names, as Kazakh pages print dates ("4 желтоқсан 2026 ж.").
    "қаңтар": 1, "ақпан": 2, "наурыз": 3, "сәуір": 4, "мамыр": 5, "маусым": 6,
    "шілде": 7, "тамыз": 8, "қыркүйек": 9, "қазан": 10, "қараша": 11, "желтоқсан": 12,
    # Uzbek names in the Latin alphabet ("4-dekabr, 2026"; the rest read as English).
    "yanvar": 1, "fevral": 2, "iyun": 6, "iyul": 7, "avgust": 8, "sentabr": 9,
    "sentyabr": 9, "oktabr": 10, "oktyabr": 10, "noyabr": 11, "dekabr": 12,
}  # fmt: skip
_KZ_MONTH = r"қаңтар|ақпан|наурыз|сәуір|мамыр|маусым|шілде|тамыз|қыркүйек|қазан|қараша|желтоқсан"
_RU_MONTH = (
    r"(?:январ|феврал|апрел|июн|июл|сентябр|октябр|ноябр|декабр)я|марта|мая|августа|" + _KZ_MONTH
)
# Kyrgyz and Uzbek pages' month names, in the nominative ("4-декабрь 2026-ж.",
# "4 декабрь 2026 йил", "4-dekabr, 2026"): tried last, with a year only.
_DATED_MONTH = (
    r"(?:январ|феврал|апрел|июн|июл|сентябр|октябр|ноябр|декабр)ь|март|май|август|"
    + _KZ_MONTH
    + r"|yanvar|fevral|mart|aprel|may|iyun|iyul|avgust|sent(?:y)?abr|okt(?:y)?abr|noyabr|dekabr"
)
MONTH_PATTERN = _MONTH
RU_MONTH_PATTERN = _RU_MONTH
_WEEKDAY = (
    r"(?:(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?"
    r"|понедельник|вторник|среда|четверг|пятница|суббота|воскресенье),?\s+)?"
)
# The weekday after the date: "4 декабря 2026, четверг", "3 марта 2026 (вторник)".
_WEEKDAY_AFTER = (
    r"(?:(?:,?\s+|\s*\()(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day"
    r"|понедельник|вторник|среда|четверг|пятница|суббота|воскресенье)\)?)?"
)
# "Updated" in the region's languages (Kyrgyz "Жаңыланды", Kazakh "Жаңартылды",
# Uzbek "Yangilandi"), as a stamp opens with it.
UPDATED_WORDS = ("updated", "обновлено", "жаңыланды", "жаңартылды", "yangilandi")
# "Updated: 3 March 2026", "Published 03.03.2026", "Обновлено: 15 декабря 2025".
_LABEL = (
    rf"(?:(?:(?P<updated>(?:last|feed|page)\s+updated|{'|'.join(UPDATED_WORDS)})"
    r"|(?:first\s+)?published|posted|added|добавлено"
    r"|опубликовано)"
    r"\s*:?\s+)?"
)
_ORDINAL = r"(?:st|nd|rd|th)?"
WEEKDAY_PATTERN, ORDINAL_PATTERN = _WEEKDAY, _ORDINAL
# Pages often print the time of the last update after the date ("…, 10:45",
# "… at 10:45 am", "… | 14:05"), after the word for "at" or "hour" in the
# page's language ("4 декабря 2026 в 10:15", "04.12.2026, Soat 10:15").
# A zone after a time: "MSK", "мск", "ALMT", "GMT", or written out: ", Astana
# time", "по времени Астаны", "(GMT+5)".
# An abbreviation after a comma is a place ("11:42, UK"), not a zone.
_ZONE = rf"(?:(?:,?\s+|\s*\()(?P<zone>{ZONE_WORDS}|(?<!,\s)[a-zа-яё]{{2,5}})\)?)?"
_TIME = (
    r"(?:(?:,?\s+(?:(?:at|в|soat|saat|сағат|саат)\s+)?|\s*[|/\u00b7\u2022\u2013\u2014-]\s*)"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::\d{2})?(?:\s*(?P<half>[ap])\.?m\.?)?"
    rf"{_ZONE})?"
)
# A time after a date, as date lines print it (its groups are named: once a pattern).
TIME_AFTER_DATE = _TIME
# At the head of a page only, its place or name may stand before the date:
# "Bishkek, 2 December 2026", "CENTRAL ASIA DAILY — 3 March 2026". Under a
# headline the first is a dateline, which stays in the story's body, and a
# headline may end in a date after a dash ("Astana Investment Forum - March 3, 2026").
_HEAD = (
    r"(?:[^\W\d_][^\W\d_\-]+(?:[\s\-][^\W\d_]+){0,2},\s+(?:[^\W\d_]{3,},\s+)?"
    r"|(?-i:[^\W\d_a-zа-яё]{2,}(?:[\s\-.][^\W\d_a-zа-яё]+){0,3})\s+[|\u2013\u2014-]\s+)"
)
# A time before the date, as some outlets print it ("10:15, 4 December 2026",
# "14:30 | 4 декабря 2026", "14:25 / 03.03.2026"); its groups are named apart
# from a time after it.
_TIME_FIRST = (
    r"(?:(?P<fhour>\d{1,2}):(?P<fminute>\d{2})(?:\s*(?P<fhalf>[ap])\.?m\.?)?"
    rf"(?:\s+(?P<fzone>{ZONE_WORDS}|[a-zа-яё]{{2,5}}))?"
    r"(?:,\s*|\s*[|/\u00b7\u2022\u2013\u2014-]\s*|\s+))?"
)
_DATE = (
    rf"{_TIME_FIRST}{_WEEKDAY}(?:"
    rf"(?P<d1>\d{{1,2}}){_ORDINAL}\s+(?P<m1>{_MONTH}),?\s+(?P<y1>\d{{4}})"
    rf"|(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}}){_ORDINAL},?\s+(?P<y2>\d{{4}})"
    rf"|(?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}})"
    rf"|(?P<d4>\d{{1,2}})\.(?P<m4>\d{{1,2}})\.(?P<y4>\d{{4}})"
    rf"|(?P<d5>\d{{1,2}})\s+(?P<m5>{_RU_MONTH})\s+(?P<y5>\d{{4}})(?:\s*(?:г(?:ода|\.)?|ж\.))?"
    # "04/12/2026": day first, as the region writes it (see ``_slashed``).
    rf"|(?P<a6>\d{{1,2}})/(?P<b6>\d{{1,2}})/(?P<y6>\d{{4}})"
    rf"|(?P<d7>\d{{1,2}})[\s-](?P<m7>{_DATED_MONTH}),?\s+(?P<y7>\d{{4}})(?:\s*-?\s*(?:ж\.|йил|yil))?"
    rf"){_WEEKDAY_AFTER}{_TIME}\s*"
)
_DATE_LINE = re.compile(rf"\s*{_LABEL}{_DATE}", re.IGNORECASE)
_HEAD_DATE_LINE = re.compile(rf"\s*{_LABEL}(?:{_HEAD})?{_DATE}", re.IGNORECASE)
# The page's name in any case before a dash, a bar or a dot ("Daily brief — 4
# December 2026", "Issue #112 · Monday, 10 March 2025"), or what it holds and
# for which day ("Новости за 3 марта 2025", "News for March 3, 2026"). A
# headline may end so too ("Astana Investment Forum - March 3, 2026"): only the
# page's reading, which sees what stands under the line, tells them apart.
_NAMED_DATE_LINE = re.compile(
    rf"\s*{_LABEL}[\w#№][\w.'’#№\-]*(?:\s+(?:[&|›/]|[\w#№(][\w.'’#№()\-]*)){{0,4}}"
    rf"\s+(?:[|\u00b7\u2022\u2013\u2014-]|за|от|for|of)\s+{_DATE}",
    re.IGNORECASE,
)
MAX_DATE_LINE = 60
# Every shape above has a four-digit year: most short lines of a page (menus,
# headings, captions) have none, and this look costs a fifth of the full match.
# (Spelled out, not "\d{4}": a pattern led by a repeat gets no scan ahead for
# its first character, and tries a match at every position; a fifth slower.)
YEAR = re.compile(r"\d\d\d\d")


class DateLine(NamedTuple):
    """What a date line states: its day; the instant, at its time of day in the
    zone it names (a time without a zone in the page's, ``page_zone``: UTC
    unless told; midnight UTC without a time); whether it says when the story was updated
    rather than published; whether it is a time alone ("14:35"), whose day is
    the page's; and whether it states a time of day at all."""

    day: date
    at: datetime
    updated: bool
    clock_only: bool = False
    timed: bool = True
    # The zone the line names after its time, when it is one known ("ALMT"):
    # the page's zone for the times it prints alone.
    zone: str | None = None


def parse_date_line(line: str, *, page_head: bool = False) -> date | None:
    """The date ``line`` states when the whole line is a date, else ``None``;
    ``page_head``: the line stands above the page's first story."""
    stated = read_date_line(line, page_head=page_head)
    return None if stated is None else stated.day


def is_date_line(line: str) -> bool:
    """Whether ``parse_date_line`` finds a date in ``line``: told without
    building the instant it states, which costs twice the match."""
    if len(line) > MAX_DATE_LINE or YEAR.search(line) is None:
        return False
    match = _DATE_LINE.fullmatch(line)
    return match is not None and _day(match) is not None


def read_date_line(line: str, *, page_head: bool = False) -> DateLine | None:
    """``parse_date_line`` with the time of day and the label the line states."""
    if len(line) > MAX_DATE_LINE or YEAR.search(line) is None:
        return None
    match = (_HEAD_DATE_LINE if page_head else _DATE_LINE).fullmatch(line)
    return None if match is None else _stated(match)


def read_named_date_line(line: str) -> DateLine | None:
    """A date line with a name of any case before it and a dash or a bar
    ("Daily brief — 4 December 2026"): the page's, when no prose is under it."""
    if len(line) > MAX_DATE_LINE or YEAR.search(line) is None:
        return None
    match = _NAMED_DATE_LINE.fullmatch(line)
    return None if match is None else _stated(match)


def _stated(match: re.Match[str]) -> DateLine | None:
    day = _day(match)
    if day is None:
        return None
    if match["fhour"] is not None:
        clock = match.group("fhour", "fminute", "fhalf", "fzone")
    else:
        clock = match.group("hour", "minute", "half", "zone")
    at = _instant(day, *clock)
    if isinstance(day, SlashedDate):  # both readings, for the receipt to choose
        at = SlashedTime(at, day, _instant(day.month_first, *clock))
    timed = match["hour"] is not None or match["fhour"] is not None
    zone = clock[3] if clock[3] and _named_zone(clock[3]) is not None else None
    return DateLine(day, at, match["updated"] is not None, timed=timed, zone=zone)


# A time of day standing alone: "14:35", "2:35 pm".
TIME_OF_DAY = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?:\s*(?P<half>[ap])\.?m\.?)?" + _ZONE


def at_time_of_day(day: date, match: re.Match[str], zone: str | None = None) -> DateLine:
    """A story's time stated alone ("14:35"), on ``day``: the page's date, in
    the zone it names, else in ``zone``: the one the page's date line names."""
    at = _instant(day, match["hour"], match["minute"], match["half"], match["zone"] or zone)
    return DateLine(day, at, updated=False, clock_only=True)


def at_day_of(clock: DateLine, day: datetime) -> datetime:
    """The time alone ``clock`` on the day of ``day`` (a date line's midnight),
    a slashed date's month-first reading kept beside it (``SlashedTime``)."""
    at = clock.at + (day.date() - clock.day)
    stated = getattr(day, "stated", None)
    if stated is None:
        return at
    return SlashedTime(at, stated, clock.at + (stated.month_first - clock.day))


def _instant(
    day: date, hours: str | None, minutes: str | None, half: str | None, zone: str | None
) -> datetime:
    """Midnight UTC of ``day``, or its stated time of day (a 12-hour time by its
    "am"/"pm") in the zone named; an hour out of range leaves midnight."""
    hour, minute = int(hours or 0), int(minutes or 0)
    half = (half or "").lower()
    if half and 1 <= hour <= 12:
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59:
        hour = minute = 0
    # A day without a time of day is that day's midnight UTC, whatever the zone.
    offset = zone_of(zone) if hours is not None else UTC
    try:
        return datetime.combine(day, time(hour, minute), tzinfo=offset).astimezone(UTC)
    except OverflowError:  # the first or last day there is, in a zone past it
        return datetime.combine(day, time(hour, minute), tzinfo=UTC)


# Zones pages name after a time: the region's, Moscow's, and the common ones.
_ZONES = {
    name: timezone(timedelta(hours=hours))
    for name, hours in {
        "UTC": 0, "GMT": 0, "MSK": 3, "ALMT": 5, "AQTT": 5, "UZT": 5, "TJT": 5,
        "TMT": 5, "KGT": 6, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "BST": 1,
        "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "PST": -8, "PDT": -7, "МСК": 3,
    }.items()
}  # fmt: skip
ZONE_NAMES = frozenset(_ZONES)


def _day(match: re.Match[str]) -> date | None:
    if match["y3"]:
        year, month, day = int(match["y3"]), int(match["m3"]), int(match["d3"])
    elif match["y4"]:
        # Day first, as everywhere the region writes dates with dots.
        year, month, day = int(match["y4"]), int(match["m4"]), int(match["d4"])
    elif match["y6"]:
        year, first, second = int(match["y6"]), int(match["a6"]), int(match["b6"])
        if first != second and first <= 12 and second <= 12:
            try:
                return SlashedDate(year, second, first)  # day first; month_first swaps them
            except ValueError:
                return None
        month, day = _slashed(first, second)
    elif match["y5"]:
        year, month, day = int(match["y5"]), month_number(match["m5"]), int(match["d5"])
    elif match["y7"]:
        year, month, day = int(match["y7"]), month_number(match["m7"]), int(match["d7"])
    else:
        year = int(match["y1"] or match["y2"])
        month = month_number(match["m1"] or match["m2"])
        day = int(match["d1"] or match["d2"])
    try:
        return date(year, month, day)
    except ValueError:
        # "30 February 2025" is shaped like a date but names none.
        return None


def month_number(name: str) -> int:
    """The month a name ``_MONTH`` or ``_RU_MONTH`` matched names ("Dec.", "декабря")."""
    name = name.lower()
    if name[:3] in _MONTHS:
        return _MONTHS[name[:3]]
    return next(
        number
        for stem, number in _RU_MONTHS.items()
        if name[: len(stem)] == stem and len(name) - len(stem) <= 2
    )


def stated_at(day: date, match: re.Match[str]) -> DateLine:
    """The date line stating ``day`` at the time of day ``match``'s groups
    (``hour``, ``minute``, ``half``, ``zone``) name, or midnight UTC."""
    at = _instant(day, match["hour"], match["minute"], match["half"], match["zone"])
    return DateLine(day, at, updated=False, timed=match["hour"] is not None)


def zone_of(name: str | None) -> tzinfo:
    """The zone a time's ``name`` stands for, abbreviated (``MSK``, ``ALMT``)
    or written out (``по времени Астаны``, ``GMT+5``); for none, or for one
    not known, the zone the page is read in (``page_zone``: UTC unless told).
    The one lookup every reading of a time's zone goes by."""
    return _named_zone(name) or unnamed_zone()


def _named_zone(name: str | None) -> tzinfo | None:
    return _ZONES.get((name or "").upper()) or (name and zone_in_words(name)) or None


class SlashedDate(date):
    """The day "a/b/yyyy" states when either number could be the month
    ("03/04/2026"): read day first, as the region writes it, with the
    month-first reading (``month_first``) at hand for what knows when the
    page was received to choose (``page_values.settle_times``)."""

    __slots__ = ()

    @property
    def month_first(self) -> date:
        """The same numbers read month first: its month and day swapped."""
        return date(self.year, self.day, self.month)

    def __repr__(self) -> str:  # reads as the day it is
        return repr(date(self.year, self.month, self.day))

    def __reduce__(self) -> tuple[object, ...]:
        return date, (self.year, self.month, self.day)


class SlashedTime(datetime):
    """The instant a date line states on a ``SlashedDate`` (``stated``), read
    day first, with the instant of the month-first reading (``month_first``)
    beside it, chosen between as the page's date is (``page_values.settle_times``).
    An instant worked out from it (a sum, a replaced field) keeps no alternative."""

    __slots__ = ("month_first", "stated")
    stated: SlashedDate | None
    month_first: datetime | None

    def __new__(
        cls,
        *args: object,
        stated: SlashedDate | None = None,
        month_first: datetime | None = None,
        **kwargs: object,
    ) -> SlashedTime:
        if len(args) == 3 and isinstance(args[0], datetime):
            at, stated, month_first = args  # type: ignore[assignment]
            args = (*at.timetuple()[:6], at.microsecond, at.tzinfo)
        self = super().__new__(cls, *args, **kwargs)  # type: ignore[arg-type]
        self.stated, self.month_first = stated, month_first
        return self

    def plain(self) -> datetime:
        """The day-first instant, without the alternative."""
        return datetime.combine(self.date(), self.timetz())

    def __repr__(self) -> str:  # reads as the instant it is
        return repr(self.plain())

    def __reduce_ex__(self, protocol: object) -> tuple[object, ...]:
        return self.plain().__reduce_ex__(protocol)  # type: ignore[arg-type]


def _slashed(first: int, second: int) -> tuple[int, int]:
    """The month and day of "a/b/yyyy". The region writes the day first
    ("04/12/2026" is 4 December), so that is how a date that could be either is
    read; only a second number past 12, which can be no month, tells a US
    month-first date ("12/25/2026"). No order is guessed from anything else."""
    if second > 12 and first <= 12:
        return first, second
    return second, first


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
    try:
        # Stored in UTC: "9999-12-31T23:59:59-05:00" has no such instant.
        parsed.astimezone(UTC)
    except OverflowError:
        return None
    return parsed
