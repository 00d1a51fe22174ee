"""Day lines that name their day relative to another: "Сегодня", "Вчера, 18:40",
"Yesterday", a day without its year ("3 декабря", "December 3, 14:05"), and
how long before the receipt ("2 hours ago", "3 часа назад").

Live pages print them between their items and as the items' stamps. Each is
read from the page's own date, else from the day the page was received; with
neither, nothing is guessed.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from .dates import (
    MONTH_PATTERN,
    ORDINAL_PATTERN,
    RU_MONTH_PATTERN,
    TIME_AFTER_DATE,
    TIME_OF_DAY,
    WEEKDAY_PATTERN,
    DateLine,
    month_number,
    stated_at,
    zone_of,
)
from .zone_words import unnamed_zone

_RELATIVE_DAYS = {
    "today": 0, "yesterday": -1, "сегодня": 0, "вчера": -1,
    # Uzbek (Latin and Cyrillic), Kazakh and Kyrgyz: "Bugun, 11:20", "Кеше, 18:05".
    "bugun": 0, "kecha": -1, "бугун": 0, "кеча": -1, "бүгін": 0, "кеше": -1,
    "бүгүн": 0, "кечээ": -1,
}  # fmt: skip
# The words, the one list every reading of them is built from.
RELATIVE_WORDS = tuple(_RELATIVE_DAYS)
# Alone or with a time after it ("Вчера, 18:40", "Yesterday 18:40", "Сегодня в 14:30").
_RELATIVE_DAY = re.compile(
    rf"(?P<relative>{'|'.join(RELATIVE_WORDS)})"
    rf"(?:,?\s+(?:(?:at|в|soat|сағат|саат)\s+)?{TIME_OF_DAY}|\s*[,:])?",
    re.IGNORECASE,
)
# The first letters of those words, either case: most lines start otherwise.
_RELATIVE_DAY_STARTS = frozenset("".join(w[0] + w[0].upper() for w in RELATIVE_WORDS))
# "3 декабря", "3 December", "December 3rd", "Среда, 3 декабря, 22:30".
_YEARLESS = re.compile(
    rf"{WEEKDAY_PATTERN}(?:(?P<d1>\d{{1,2}}){ORDINAL_PATTERN}\s+(?P<m1>{MONTH_PATTERN})"
    rf"|(?P<m2>{MONTH_PATTERN})\s+(?P<d2>\d{{1,2}}){ORDINAL_PATTERN}"
    rf"|(?P<d5>\d{{1,2}})\s+(?P<m5>{RU_MONTH_PATTERN})){TIME_AFTER_DATE}\s*",
    re.IGNORECASE,
)
# "2 hours ago", "35 min ago", "3 часа назад", "2 days ago", "Updated 3 hours
# ago": counted back from the page's receipt, the only moment they count from.
_AGO = re.compile(
    r"(?:(?P<updated>updated|обновлено)\s*:?\s+)?(?P<count>\d{1,3})\s*(?:(?P<minutes>min(?:ute)?s?\.?|минут[уы]?)"
    r"|(?P<hours>h(?:ou)?rs?\.?|hours?|час(?:а|ов)?)|(?P<days>days?|дн(?:я|ей)|день))"
    r"\s+(?:ago|назад)",
    re.IGNORECASE,
)
_AGO_WORDS = ("ago", "назад")
_DIGIT = re.compile(r"\d")
MAX_LINE = len("Wednesday, 30 September, 12:05 p.m. ALMT")
# A day without its year is the nearest one no later than this far after the
# page's date (a zone's day may run ahead of the page's): next year's, this
# year's or last year's.
_AHEAD = timedelta(days=1)


def relative_day(line: str, *, ago: bool = False) -> re.Match[str] | None:
    """``line`` when the whole of it names a day relative to another ("Вчера,
    18:40") or a day without its year ("3 декабря"), or with ``ago`` how long
    before the receipt ("2 hours ago"); its groups tell which and the time of day."""
    if len(line) > MAX_LINE:
        return None
    if line[:1] in _RELATIVE_DAY_STARTS and (named := _RELATIVE_DAY.fullmatch(line)):
        return named
    if ago and line.endswith(_AGO_WORDS) and (back := _AGO.fullmatch(line)):
        return back
    return None if _DIGIT.search(line) is None else _YEARLESS.fullmatch(line)


def on_relative_day(
    match: re.Match[str], page_day: date | None, received: datetime | None
) -> DateLine | None:
    """The date line ``match`` (``relative_day``'s) states, counted from the
    page's date, else from the day the page was received (in the zone its time
    names, else UTC); None when there is neither to count from. "2 hours
    ago" is counted from the receipt alone."""
    if match.re is _AGO:
        return None if received is None else _ago(match, received)
    if page_day is not None:
        anchor = page_day
    elif received is not None:
        anchor = received.astimezone(zone_of(match["zone"])).date()
    else:
        return None
    if match.re is _RELATIVE_DAY:
        day = anchor + timedelta(days=_RELATIVE_DAYS[match["relative"].lower()])
        return stated_at(day, match)
    month = month_number(match["m1"] or match["m2"] or match["m5"])
    number = int(match["d1"] or match["d2"] or match["d5"])
    # Next year's first: on 31 December a page's "1 января" is the morning
    # after. The latest of them no later than the lead allowed is the nearest.
    for year in (anchor.year + 1, anchor.year, anchor.year - 1):
        try:
            day = date(year, month, number)
        except ValueError:  # "30 February", or 29 February in another year
            continue
        if day <= anchor + _AHEAD:
            return stated_at(day, match)
    return None


def _ago(match: re.Match[str], received: datetime) -> DateLine:
    """The moment "2 hours ago" names, received at ``received``; "3 days ago"
    names a day, at its midnight UTC, as a date without a time does."""
    count, updated = int(match["count"]), match["updated"] is not None
    if match["days"]:
        day = (received - timedelta(days=count)).astimezone(unnamed_zone()).date()
        at = datetime.combine(day, time(0), tzinfo=UTC)
        return DateLine(day, at, updated=updated, timed=False)
    minutes = count if match["minutes"] else count * 60
    at = (received - timedelta(minutes=minutes)).astimezone(UTC).replace(second=0, microsecond=0)
    return DateLine(at.astimezone(unnamed_zone()).date(), at, updated=updated)
