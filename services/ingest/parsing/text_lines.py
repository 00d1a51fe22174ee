"""The lines of a plain-text page as the story cutter reads them, and what
each line's neighbours say of it: a Title Case headline, a signature at a
story's end, hard-wrapped prose carried on."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from .bylines import byline_authors, is_dateline, names_a_time, signs_story
from .dates import read_date_line
from .headlines import (
    ends_sentence,
    every_word_capitalised,
    looks_like_headline,
    looks_like_prose,
)
from .section_labels import is_label
from .stories import prose_over, same_list, sentence_shaped
from .story_subjects import shares_subject

# "World | Business | Markets", "Home › News": a menu or a breadcrumb trail,
# each item a few words. A part longer than that makes a headline with its
# label ("Kazakhstan Votes | Live Results From the Parliamentary Election").
_MENU = re.compile(r"\s[|\u203a»]\s")
_MENU_ITEM_WORDS = 3
_SPACED = re.compile(r"\s{2,}")
_SPACED_ITEMS = 3
_MENU_WORD = re.compile(r"[A-ZА-ЯЁ][^\W\d_]*(?:[-.][^\W\d_]+)*")


def _is_menu(text: str) -> bool:
    if "  " in text:
        # "Главное   Политика   Экономика   Общество": a menu's items set apart by spaces.
        items = _SPACED.split(text)
        if len(items) >= _SPACED_ITEMS and all(_MENU_WORD.fullmatch(item) for item in items):
            return True
    # The pattern, led by a space, is tried at every place of the line: a
    # line without its marks, as almost all are, is no menu.
    if "|" not in text and "\u203a" not in text and "»" not in text:
        return False
    parts = _MENU.split(text)
    return len(parts) > 1 and all(len(part.split()) <= _MENU_ITEM_WORDS for part in parts)


class Line(NamedTuple):
    """A line of a story's text, or of the page around its stories."""

    text: str
    # True when a blank, ticker or date line (or the page start) came before it.
    after_break: bool
    # The authors when the line is a byline, else None.
    authors: tuple[str, ...] | None = None
    dateline: bool = False
    # True when a blank line is right above it.
    blank: bool = False


def text_line(text: str, after_break: bool, blank: bool = False) -> Line:
    """The line ``text`` with its byline's authors or its dateline read."""
    authors = byline_authors(text)
    if authors and names_a_time(authors[0]):
        # "By Monday": when, not who. It stays in the story's text, and tells
        # where a story starts as a dateline does.
        return Line(text, after_break, None, True, blank)
    return Line(text, after_break, authors, is_dateline(text), blank)


def is_meta(line: Line) -> bool:
    return line.authors is not None or line.dateline


def past_meta(lines: Sequence[Line], k: int) -> int:
    """The place of the first line from ``k`` on that is no byline or dateline."""
    while k < len(lines) and is_meta(lines[k]):
        k += 1
    return k


def title_case_flags(lines: list[Line], under: set[int], continues: Sequence[bool]) -> list[bool]:
    """Title Case headlines: what the page's own style says, checked against
    neighbours; ``under``: the lines a date line stands right above;
    ``continues[k]``: line k is hard-wrapped prose that line k + 1 carries on."""
    shaped = [
        looks_like_headline(line.text) and not is_meta(line) and not _is_menu(line.text)
        for line in lines
    ]
    flags = []
    for i, line in enumerate(lines):
        # What follows the headline, past its byline and dateline.
        j = past_meta(lines, i + 1)
        flags.append(
            shaped[i]
            # A headline introduces prose; a headline-shaped line followed by
            # another, or by a menu or "Log In", is page chrome or a kicker.
            and j < len(lines)
            and (j > i + 1 or (not shaped[j] and prose_over(lines[j].text, j + 1 in under)))
            # A line continuing an unfinished sentence is prose wrapped at a
            # fixed width, however capitalised it happens to be; on a page of a
            # paragraph a line, one without its full stop ends there, and a line
            # in Title Case through and through is the next story's headline.
            and (
                line.after_break
                or i == 0
                or shaped[i - 1]
                or ends_sentence(lines[i - 1].text)
                or (not continues[i - 1] and every_word_capitalised(line.text))
            )
            # The last of a list's items over a sentence is the list's.
            and not (i and same_list(lines[i - 1].text, line.text))
        )
    return flags


def named_over(lines: list[Line], first: int, under: set[int]) -> bool:
    """Whether the line above the page's first headline (line ``first``), over
    the date line between them, was left out as the page's name for that
    headline's blank line above alone, with no stamp or byline of its own."""
    return (
        0 < first < len(lines)
        and first in under
        and lines[first].blank
        and first + 1 not in under
        and not any(is_meta(x) for x in lines[first - 1 : first + 3])
    )


# A paragraph that lost its full stop, not a subheading: this many words at least.
_UNFINISHED_WORDS = 6


def signs(lines: list[Line], i: int, continues: Sequence[bool] = ()) -> bool:
    """Whether line ``i``, a name alone set apart by blank lines, signs the story.

    Only at the story's end: a finished paragraph above it (a sentence, or on
    a page not hard-wrapped, ``continues``, a paragraph that lost it), and
    under it the page's end or the next story's headline over its text. A name
    standing alone elsewhere is a list's item, an interview's speaker or a
    profile's subject, never its author.
    """
    # (Below it, a blank line, or a stamp or a rule set apart over the next headline.)
    apart = lines[i].after_break and (
        i + 1 == len(lines) or lines[i + 1].blank or lines[i + 1].after_break
    )
    if not (apart and i and signs_story(lines[i].text)):
        return False
    above = lines[i - 1].text
    if not ends_sentence(above) and not (
        len(above.split()) >= _UNFINISHED_WORDS
        and not (i - 1 < len(continues) and continues[i - 1])
    ):
        return False
    j = i + 1
    if j < len(lines) and lines[j].after_break and is_label(lines[j].text):
        j += 1  # past a section's label over the next story ("КОМПАНИИ")
    if j == len(lines):
        return True
    # A headline: no finished sentence, with running text under it (past its byline).
    after, k = lines[j].text, past_meta(lines, j + 1)
    return not ends_sentence(after) and k < len(lines) and looks_like_prose(lines[k].text)


def carries_on(text: str, above: str) -> bool:
    """Hard-wrapped prose: ``text``, right under ``above``, finishes its sentence."""
    return text[0].islower() and not ends_sentence(above)


def over_standfirst(lines: list[Line], i: int) -> bool:
    """Whether line ``i`` is a headline over its standfirst, with the byline
    under that and the lead under the byline. Neither of the first two ends a
    sentence, and the one over the byline reads as a headline; the line above
    it is the headline, and that one its standfirst, when the line above is in
    sentence case and on the lead's subject, as a site's name or a section's
    is not."""
    if i + 3 >= len(lines) or lines[i + 2].authors is None:
        return False
    line, stand = lines[i], lines[i + 1]
    if is_meta(line) or is_meta(stand) or not (line.after_break or i == 0):
        return False
    if ends_sentence(line.text) or ends_sentence(stand.text) or not sentence_shaped(line.text):
        return False
    lead = [x.text for x in lines[i + 3 : i + 7]]
    if (
        not looks_like_prose(lead[0])
        or sum(w.isalpha() and w.islower() for w in line.text.split()) < 3
    ):
        return False  # a name in Title Case ("The Times of Central Asia") heads no story
    # The headline names the lead's subject, and with its standfirst says more of it.
    both = f"{line.text} {stand.text}"
    return shares_subject(line.text, lead, 1) and shares_subject(both, lead)


def add_line(
    lines: list[Line], line: str, after_break: bool, rows: list[str], n: int, apart: bool = False
) -> None:
    """Add ``line`` (row ``n`` of the page's ``rows``) to ``lines``. A headline
    hard-wrapped over two rows ("Uzbekistan and Tajikistan agree to build",
    "two hydropower plants on the Zarafshan river") over its date line is one
    line: its second row, in lower case, goes on with the first. ``apart``: a
    blank line stands above it, past a label over it taken out."""
    above = lines[-1] if lines and not after_break and line[0].islower() else None
    if above is not None and _wraps_headline(above, line, rows, n):
        lines[-1] = text_line(f"{above.text} {line}", above.after_break, above.blank)
        return
    added = text_line(line, after_break, apart or (n > 0 and not rows[n - 1].strip()))
    above = lines[-1] if lines and not after_break else None
    if above is not None and _credited_over(above, added, rows, n):
        # "Текст: Бакыт Асанов" over the headline: read as a byline under it.
        lines[-1] = added._replace(after_break=above.after_break, blank=above.blank)
        added = above._replace(after_break=False, blank=False)
    lines.append(added)


def _credited_over(above: Line, line: Line, rows: list[str], n: int) -> bool:
    """Whether the byline ``above``, set apart from the text over it, credits
    the story whose headline ``line`` (row ``n``) is right under it: a line of
    a headline's shape with prose right under it."""
    if above.authors is None or not above.after_break or is_meta(line):
        return False
    if ends_sentence(line.text) or not (
        looks_like_headline(line.text) or sentence_shaped(line.text)
    ):
        return False
    below = rows[n + 1].strip() if n + 1 < len(rows) else ""
    return bool(below) and looks_like_prose(below)


def _wraps_headline(above: Line, line: str, rows: list[str], n: int) -> bool:
    """Whether ``line`` ends the headline ``above`` began: the two rows a block
    of their own, neither ending a sentence, and the date line under them."""
    if not above.after_break or is_meta(above) or ends_sentence(above.text) or ends_sentence(line):
        return False
    below = [row.strip() for row in rows[n + 1 : n + 3]]
    if below and below[0]:
        # The block goes on, or a line other than its date is under it, unless it is its date.
        return read_date_line(below[0]) is not None
    return len(below) > 1 and bool(below[1]) and read_date_line(below[1]) is not None


# An interview's speaker named on a line of their own ("DALER JUMA",
# "Корреспондент:", "Q:"): a few words, no sentence, no figure.
_SPEAKER_CHARS = 40
_SPEAKER_WORDS = 4
_NOT_A_SPEAKER = re.compile(r"[\d.!?,;|]")


def speaker_lines(lines: list[Line]) -> frozenset[int]:
    """The lines that name an interview's speakers, each over their words:
    short lines that are no sentence, each printed again for each turn, of
    two speakers or more. A headline is printed once, or twice when a list of
    the page's headlines heads it: there each is right over another that is
    printed again, where a speaker is over their words."""
    names = [
        line.text.rstrip(": ").casefold()
        if len(line.text) <= _SPEAKER_CHARS and line.authors is None
        else None
        for line in lines
    ]
    seen: dict[str, list[int]] = {}
    for i, name in enumerate(names[:-1]):
        if name is not None:
            seen.setdefault(name, []).append(i)
    repeated = {name for name, places in seen.items() if len(places) > 1}
    speakers = [
        places
        for name, places in seen.items()
        if name in repeated
        and len(name.split()) <= _SPEAKER_WORDS
        and _NOT_A_SPEAKER.search(name) is None
        and all(names[i + 1] not in repeated for i in places)
    ]
    if len(speakers) < 2:
        return frozenset()
    return frozenset(i for places in speakers for i in places)


# A row of a schedule: a time, then what happens at it ("08:40 Istanbul").
_SCHEDULE_ROW = re.compile(r"\d{1,2}[:.]\d{2}\s+\S")


def in_schedule(rows: list[str], n: int) -> bool:
    """Whether row ``n`` is one of a schedule's, a run of rows each opening
    with a time ("08:40 Istanbul", "12:15 Moscow"), which a live page's
    times before its headlines never make: prose stands under each."""
    if _SCHEDULE_ROW.match(rows[n].strip()) is None:
        return False
    return any(
        0 <= k < len(rows) and _SCHEDULE_ROW.match(rows[k].strip()) is not None
        for k in (n - 1, n + 1)
    )


def schedule_lines(lines: list[Line]) -> frozenset[int]:
    """The lines of the page's schedules (see ``in_schedule``): no headlines."""
    rows = [line.text[0].isdigit() and _SCHEDULE_ROW.match(line.text) is not None for line in lines]
    # A row and the one right under it, with no blank or date line between.
    pairs = [
        i for i in range(len(lines) - 1) if rows[i] and rows[i + 1] and not lines[i + 1].after_break
    ]
    return frozenset(pairs) | frozenset(i + 1 for i in pairs)
