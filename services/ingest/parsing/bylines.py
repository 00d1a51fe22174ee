"""Bylines ("By Dana Omarova", "Автор: Бакыт Асанов") and datelines ("Bishkek, March 3").

A byline names the article's authors: it is neither its title nor its first
paragraph. A dateline says where and when a story was filed and stays in its
body; a line that is only a dateline ("Bishkek, March 3") or a paragraph that
opens with one ("ASTANA — …") tells that a story starts just above it.
"""

from __future__ import annotations

import re

from .dates import MONTH_PATTERN, RU_MONTH_PATTERN

_UPPER = "A-ZА-ЯЁ"
_NAME = rf"[{_UPPER}][\w'’.\-]*"
_JOIN = r"(?:\s+|,\s*|\s+(?:and|и|&)\s+)"
_BYLINE = re.compile(
    rf"(?:By|BY|by|Author|Authors|Автор|Авторы|Текст"
    # Credit lines of wire copy and magazines: the reporters are the authors.
    rf"|(?:Written|Reporting|Reported|Story|Words|Additional\s+reporting)\s+by)(?:\s*:\s*|\s+)"
    rf"(?P<names>{_NAME}(?:{_JOIN}{_NAME}){{0,8}})\s*"
    # "Reporting by …; Editing by …": editors are no authors.
    r"(?:;\s*(?:Editing|Edited|Writing)\s+by\s+[^;]{1,80})?"
)
_SPLIT_NAMES = re.compile(r",\s*|\s+(?:and|и|&)\s+")
MAX_BYLINE = 120
# Words after "By" that say when, not who: "By Monday, the talks had failed"
# (whatever follows). A month is a first name too (April, June, May): only a
# month standing alone ("By March") says when.
_WHEN = frozenset((
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "Today", "Tomorrow", "Yesterday", "Tonight", "Noon", "Midnight", "Now", "Then",
    "Dawn", "Morning", "Evening", "Night", "Christmas", "Easter", "Ramadan", "Nowruz", "Navruz",
))  # fmt: skip
_MONTHS = frozenset((
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
))  # fmt: skip


def names_a_time(name: str) -> bool:
    """Whether a byline's first "name" is a day or a time: "By Monday", "By March"."""
    first, _, rest = name.partition(" ")
    return first in _WHEN or (not rest and first in _MONTHS)


_DAY_MONTH = (
    rf"(?:{MONTH_PATTERN}\s+\d{{1,2}}|\d{{1,2}}\s+(?:{MONTH_PATTERN}|{RU_MONTH_PATTERN}))"
    r"(?:,?\s+\d{4})?"
)
_DATELINE_LINE = re.compile(
    rf"(?P<place>[{_UPPER}][\w'’.\-]*(?:[ \-][{_UPPER}][\w'’.\-]*){{0,2}}),\s+{_DAY_MONTH}\s*",
    re.IGNORECASE,
)
# "ASTANA — …", "ALMATY, March 3 (Reuters) - …", "ТАШКЕНТ, 3 марта — …"
_DATELINE_OPENING = re.compile(
    rf"[{_UPPER}]{{3,}}(?:[ \-][{_UPPER}]{{3,}})*(?:,[^—–]{{1,40}})?\s+[—–-]\s"
)
MAX_DATELINE = 60


def byline_authors(line: str) -> tuple[str, ...] | None:
    """The authors a byline line names, or ``None`` when ``line`` is no byline."""
    if len(line) > MAX_BYLINE or line[:1] not in "BbAАТWRSAw":
        return None
    match = _BYLINE.fullmatch(line)
    if match is None:
        return None
    return tuple(name.strip() for name in _SPLIT_NAMES.split(match["names"]) if name.strip())


def is_dateline(line: str) -> bool:
    """A line that is only a place and a day: "Bishkek, March 3"."""
    return len(line) <= MAX_DATELINE and "," in line and _DATELINE_LINE.fullmatch(line) is not None


def opens_with_dateline(text: str) -> bool:
    """A paragraph opening with a dateline: "ASTANA — Kazakhstan will…"."""
    return _DATELINE_OPENING.match(text) is not None
