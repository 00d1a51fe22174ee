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
# with (joiner, selectors, keycap), and a keycap's digit, "#" or "*" ("1️⃣").
# Letter-like symbols ("№ 1", "℃") and "©" are words of the text.
_MARK = (
    r"[\u200d\ufe0e\ufe0f\u20e3"
    r"\u2190-\u21ff"  # arrows
    r"\u2300-\u23ff"  # technical: ⏰ ⌚
    r"\u25a0-\u27bf"  # shapes, symbols, dingbats
    r"\u2b00-\u2bff"  # more arrows and shapes
    r"\U0001f000-\U0001faff]"  # emoji, flags' regional letters
    r"|[0-9#*](?=[\ufe0f\u20e3])"
)
# A line opening with more mark groups than this is not a digest's item.
_MAX_MARK_GROUPS = 8
# The mark groups a line opens with, each parted from what follows by a space.
_MARK_GROUPS = re.compile(rf"(?:(?:{_MARK})+\s+){{1,{_MAX_MARK_GROUPS}}}")


def opens_with_mark(line: str) -> bool:
    """Whether ``line`` may open with a mark: a non-ASCII character first, or a
    keycap ("1️⃣")."""
    return not line[0].isascii() or line[1:2] in ("\ufe0f", "\u20e3")


def without_symbols(line: str) -> str:
    """``line`` less the marks it opens with ("🇰🇿 Kazakhstan raises …", "1️⃣ …"),
    each group parted from what follows by a space; read in one match, not a
    test of each character: most lines opening with a character beyond ASCII
    (a ticker's bullet, a quote) open with no mark."""
    groups = _MARK_GROUPS.match(line)
    return line if groups is None or groups.end() == len(line) else line[groups.end() :]


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
