"""A plain-text page's date lines that need more than the line to read:
one above the first story with a name before it, "Вчера"/"3 декабря", and a
story's published and updated stamps on one line."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime

from .dates import (
    MAX_DATE_LINE,
    UPDATED_WORDS,
    YEAR,
    DateLine,
    read_date_line,
    read_named_date_line,
)
from .headlines import ends_sentence, looks_like_prose
from .notes import Notes
from .relative_days import on_relative_day, relative_day
from .zone_words import unnamed_zone

# Marks a page's issue line has and a headline does not: a dot between its
# parts, an issue's number.
_ISSUE_MARKS = ("\u00b7", "\u2022", "#", "№")


def head_date(line: str, rows: list[str], n: int) -> DateLine | None:
    """The date of ``line`` (row ``n``) above the page's first prose, with a
    place or a name before it; a name in lower case ("Daily brief — 4 December
    2026") only when no finished sentence is the next line, under which it
    would be a headline ("Astana Investment Forum - March 3, 2026")."""
    when = read_date_line(line, page_head=True)
    if when is not None or YEAR.search(line) is None:
        return when
    if _COLUMN_GAP in line:
        return _masthead_date(line)
    when = read_named_date_line(line)
    if when is None:
        return None
    if any(mark in line for mark in _ISSUE_MARKS):
        return when  # "Issue #112 · Monday, 10 March 2025": no headline's end
    below = next((row.strip() for row in rows[n + 1 :] if row.strip()), "")
    # A question under it ("Will the tenge hold?") is a headline, not prose, and
    # a line opening a list or a ticker ("Курсы валют на 11.03.2026:") no sentence.
    finished = ends_sentence(below) and below.rstrip("\"'”’»")[-1:] not in "?!:"
    return None if finished and looks_like_prose(below) else when


# A print page's masthead set in columns, runs of spaces between them:
# "№ 11 (1532)            Среда, 18 марта 2026 года", "Friday, March 13, 2026
# No. 10 (1245)": its date beside its issue's or page's number.
_COLUMN_GAP = "   "
_COLUMNS = re.compile(r"\s{3,}")
_COLUMN_WORDS = 4


def _masthead_date(line: str) -> DateLine | None:
    """The date of a masthead line in columns: one column a date, the others a
    few words each (a name, an issue's number); None for any other line."""
    dated = None
    for column in _COLUMNS.split(line.strip()):
        when = read_date_line(column, page_head=True) or read_named_date_line(column)
        if when is None:
            if len(column.split()) > _COLUMN_WORDS or ends_sentence(column):
                return None
        elif dated is not None:
            return None  # two dates: a table's row, not a masthead
        else:
            dated = when
    return dated


def relative_day_line(
    line: str, page_day: date | None, received: datetime | None, notes: Notes, *, ago: bool = False
) -> DateLine | None:
    """The date line ``line`` is when it names a day relative to another
    ("Сегодня", "Yesterday 18:40"), counted from the page's date
    (``page_day``), else from the day it was ``received``. With neither, the
    line is left as it is (nothing is guessed) and a warning says so.
    ``ago``: how long before the receipt ("2 hours ago") is read too."""
    named = relative_day(line, ago=ago)
    if named is None:
        return None
    if received is not None and received.tzinfo is None:
        received = received.replace(tzinfo=UTC)  # read back from SQLite: UTC
    when = on_relative_day(named, page_day, received)
    if when is None:
        # With the page's date, only "2 hours ago" is left: counted from the receipt.
        why = "the page states no date" if page_day is None else "its receipt is not known"
        notes.warn(f"relative day not read, {why}: {line[:40]!r}")
    return when


# A stamp line in parts: "Опубликовано: 04.12.2026, 09:05 | Обновлено: 04.12.2026,
# 11:40" (when a story was published and when updated), "4 декабря 2026, 15:30 ·
# Политика · 1 245 просмотров" (its date, section and views). An agency's
# stamp sets its updated one after a space alone: "December 4, 2026 8:12 AM
# GMT+5 Updated 2 hours ago".
_UPDATED = (*(word.capitalize() for word in UPDATED_WORDS), "UPDATED")
_PARTS = re.compile(r"\s*[|\u00b7\u2022]\s*|\s+(?=(?:" + "|".join(_UPDATED) + r")\b)")
# What a stamp in parts has, looked for before the line is split: its marks,
# then its words, each by a plain substring search (a pattern of them all is
# tried at every place of the line, at several times the cost).
_PART_MARKS = ("|", "\u00b7", "\u2022", *_UPDATED)
MAX_STAMP_LINE = 3 * MAX_DATE_LINE
# The updated stamp in brackets after the published one: "16:45 03.03.2025
# (обновлено: 17:20 03.03.2025)", "10:15, 4 December 2026 (updated 11:40)".
_BRACKETED_UPDATE = re.compile(
    r"\s*\(\s*((?:" + "|".join(UPDATED_WORDS) + r")\b[^()]*)\)$", re.IGNORECASE
)
# A part beside the date: a section's name or a count, a few words and no sentence.
_LABEL_WORDS = 4


def stamp_parts(
    line: str, read: Callable[[str], DateLine | None]
) -> list[tuple[str, DateLine]] | None:
    """The stamps of a line that opens with a story's date and sets beside it,
    parted by bars or dots, its updated stamp or a few words of its own (its
    section, its views), each stamp with its text; None for any other line.
    ``read``: how a part is read as a date (the caller's: a date with its year,
    or a day named relative to another, "Вчера, 15:00")."""
    if len(line) > MAX_STAMP_LINE:
        return None
    if line.endswith(")"):
        line = _BRACKETED_UPDATE.sub(r" | \1", line)
    for mark in _PART_MARKS:
        if mark in line:
            break
    else:
        return None
    parts = _PARTS.split(line.strip())
    stamps = []
    for n, part in enumerate(parts):
        when = read(part)
        if when is not None:
            stamps.append((part, when))
        elif not n or not part or len(part.split()) > _LABEL_WORDS or ends_sentence(part):
            return None
    return stamps if len(parts) > 1 else None


# A machine's stamp: "2026-12-04T10:15:00+05:00", "2026-12-04 10:15", "…Z".
_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+\-]\d{2}:?\d{2})?"
)


def iso_stamp(line: str) -> DateLine | None:
    """The instant an ISO 8601 stamp alone on its line states, in the page's
    zone when it names none; None for any other line."""
    if not line[:1].isdigit() or len(line) > 32 or _ISO.fullmatch(line) is None:
        return None
    try:
        stated = datetime.fromisoformat(line)
        if stated.tzinfo is None:
            stated = stated.replace(tzinfo=unnamed_zone())
        at = stated.astimezone(UTC)
    except (ValueError, OverflowError):  # "2026-13-45T…", or past the last day there is
        return None
    return DateLine(stated.date(), at, updated=False)


# A stamp led by its section's name, as agencies print it: "Economy 4 December
# 2026 12:45 (UTC +04:00)", "Politics 04.12.2026, 09:15". With its time: a
# date alone after a word is as often a headline's end ("Elections 2026").
_SECTION_STAMP = re.compile(
    r"[A-ZА-ЯЁ][\w&\-]+(?:\s+(?:&\s+)?[A-ZА-ЯЁ][\w\-]+)?(?:\s+\|)?\s+(?=\d)"
)


def section_stamp(line: str) -> DateLine | None:
    """The date and time a story's stamp after its section's name states; None
    for any other line."""
    section = _SECTION_STAMP.match(line)
    if section is None:
        return None
    when = read_date_line(line[section.end() :])
    return when if when is not None and when.timed else None


# A post as a messenger's chat export heads it: the channel's name, then the
# post's date and time in brackets ("Caspian Brief, [09.03.2026 18:42]"), or
# the bracketed stamp alone.
_POST_HEADER = re.compile(r"(?:[^\[\]]{1,60},\s*)?\[([^\[\]]{1,40})\]")


def post_stamp(line: str) -> DateLine | None:
    """The date and time a post's header states; None for any other line."""
    if not line.endswith("]"):
        return None
    header = _POST_HEADER.fullmatch(line)
    if header is None:
        return None
    when = read_date_line(header.group(1))
    return when if when is not None and when.timed else None


# A second time in brackets after a stamp, another zone's ("4 декабря 2026,
# 15:30 (мск 12:30)", "(12:30 MSK)", "(по Москве 12:30)"): a conversion for
# readers elsewhere. The page's own time is the story's; the bracket is
# dropped before the line is read.
_CONVERTED_TIME = re.compile(
    r"\s*\((?:[^\W\d_]+\.?\s+){0,2}\d{1,2}[:.]\d{2}(?:\s*[^\W\d_]+\.?){0,3}\)\s*$"
)


def without_converted_time(line: str) -> str | None:
    """``line`` less a converted time in brackets at its end; None without one."""
    if not line.endswith(")") or ":" not in line:
        return None
    match = _CONVERTED_TIME.search(line)
    if match is None or match.start() == 0:
        return None
    return line[: match.start()]
