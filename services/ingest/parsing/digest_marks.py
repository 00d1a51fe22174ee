"""What a digest or a live page sets before its items' headlines: marks
("🇰🇿 Kazakhstan raises …", "▶ …", "1️⃣ …"), a number ("2. Kyrgyz parliament
…") or a time ("14:05 Uzbekistan opens …"), no words of the headline."""

from __future__ import annotations

import re
from datetime import date

from .articles import Draft
from .dates import TIME_OF_DAY, ZONE_NAMES, at_time_of_day

_TIME_LINE = re.compile(TIME_OF_DAY, re.IGNORECASE)

# Marks a digest sets before its items: flags and other emoji, arrows, shapes
# and dingbats (■ ▶ ● ★ ✅), with the joiners and selectors emoji are built
# with. Letter-like symbols ("№ 1", "℃") and "©" are words of the text.
_MARK_RANGES = (
    ("\u2190", "\u21ff"),  # arrows
    ("\u2300", "\u23ff"),  # technical: ⏰ ⌚
    ("\u25a0", "\u27bf"),  # shapes, symbols, dingbats
    ("\u2b00", "\u2bff"),  # more arrows and shapes
    ("\U0001f000", "\U0001faff"),  # emoji, flags' regional letters
)
_MARK_PARTS = "\u200d\ufe0e\ufe0f\u20e3"  # joiner, selectors, keycap
# Below this, no character is a mark (letters of every alphabet the region
# writes, bullets and dashes): told with one comparison.
_FIRST_MARK = "\u200d"
# A line opening with more mark groups than this is not a digest's item.
_MAX_MARK_GROUPS = 8


def opens_with_mark(line: str) -> bool:
    """Whether ``line`` may open with a mark: a non-ASCII character first, or a
    keycap ("1️⃣")."""
    return not line[0].isascii() or line[1:2] in ("\ufe0f", "\u20e3")


def without_symbols(line: str) -> str:
    """``line`` less the marks it opens with ("🇰🇿 Kazakhstan raises …", "1️⃣ …"),
    each group parted from what follows by a space; read in one pass."""
    end, size = 0, len(line)
    for _ in range(_MAX_MARK_GROUPS):
        mark = end
        while mark < size and _is_mark(line, mark):
            mark += 1
        if mark in (end, size) or not line[mark].isspace():
            break
        while mark < size and line[mark].isspace():
            mark += 1
        end = mark
    return line[end:] if 0 < end < size else line


def _is_mark(line: str, at: int) -> bool:
    char = line[at]
    if char >= _FIRST_MARK and (
        char in _MARK_PARTS or any(low <= char <= high for low, high in _MARK_RANGES)
    ):
        return True
    # A keycap's digit, "#" or "*": "1️⃣".
    return char in "0123456789#*" and line[at + 1 : at + 2] in ("\ufe0f", "\u20e3")


# Before a headline, a live page's time ("14:05 Uzbekistan opens a border
# crossing") or a digest's number ("2. Kyrgyz parliament backs new tax code").
# A zone the page names after the time ("14:55 ALMT …") is part of the prefix.
_HEADLINE_PREFIX = re.compile(
    rf"(?:(?:[01]?\d|2[0-3]):[0-5]\d(?:\s+(?:{'|'.join(sorted(ZONE_NAMES))}))?|\d{{1,2}}[.)])"
    r"\s+(?=[^\W\d_])"
)


def headline_draft(headline: str, day: date | None, zone: str | None = None) -> Draft:
    """The draft of the story under ``headline``; a live page's time before it
    dates it as a time alone under it would: on the page's date line's day
    (``day``; None when the page has none or a date line is under it), in the
    zone it names, else in the page's (``zone``)."""
    title = without_prefix(headline)
    draft = Draft(title, ())
    if day is not None and title is not headline:
        clock = _TIME_LINE.fullmatch(headline[: len(headline) - len(title)].strip())
        if clock is not None:
            draft.published = at_time_of_day(day, clock, zone).at
    return draft


def without_prefix(headline: str) -> str:
    """``headline`` less a live page's time or a digest's number before it."""
    match = _HEADLINE_PREFIX.match(headline)
    if match is None or not headline[match.end()].isupper():
        return headline
    rest = headline[match.end() :]
    # "1. Kazakhstan, 2. Uzbekistan: …" numbers its own items.
    return headline if _HEADLINE_PREFIX.search(rest) else rest
