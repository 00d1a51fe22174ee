"""Plain-text pages: ticker lines, a date line, then headlines and their paragraphs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from .articles import Draft, build_articles
from .bylines import byline_authors, is_dateline, names_a_time
from .chrome_lines import KIND as CHROME_LINES
from .chrome_lines import is_chrome_line
from .dates import TIME_OF_DAY, DateLine, at_time_of_day, read_date_line
from .headlines import ends_sentence, looks_like_headline, looks_like_prose
from .model import ParsedArticle, ParsedPage, Quote
from .notes import Notes
from .stories import StoryCutter
from .ticker import TickerLines, is_ticker_line, names_a_pair, unique_quotes


class _Line(NamedTuple):
    text: str
    # True when a blank, ticker or date line (or the page start) came before it.
    after_break: bool
    # The authors when the line is a byline, else None.
    authors: tuple[str, ...] | None = None
    dateline: bool = False


def _line(text: str, after_break: bool) -> _Line:
    authors = byline_authors(text)
    if authors is not None and names_a_time(authors[0]):
        # "By Monday": when, not who. It stays in the story's text, and tells
        # where a story starts as a dateline does.
        return _Line(text, after_break, None, True)
    return _Line(text, after_break, authors, is_dateline(text))


def parse_text(text: str) -> ParsedPage:
    """Parse a plain-text page as returned by ``decode_body``; markup in it is just text."""
    quotes: list[Quote] = []
    # The day of the page's first date line (or a dateline above the first prose).
    day: date | None = None
    lines: list[_Line] = []
    tickers = TickerLines()
    notes = Notes()
    after_break = True
    head = True  # above the page's first prose
    # Date lines, each with the place of the line it stands before.
    dated: list[_Dated] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            after_break = True
            continue
        if opens_with_mark(line):
            line = without_symbols(line)
        ticker = tickers.parse(line)
        if ticker is not None:
            quotes.extend(ticker)
            after_break = True
            continue
        when = read_date_line(line)
        if when is not None:
            day = day or when.day
            dated.append(_Dated(len(lines), when))
            after_break = True
            continue
        when = read_date_line(line, page_head=True) if head else None
        if when is not None:
            # A place or a name before the date: the page's own date line when
            # it stands before the first headline, else a dateline under it,
            # which only the stories (in ``_articles``) tell.
            day = day or when.day
            dated.append(_Dated(len(lines), when, line))
            after_break = True
            continue
        clock = (
            _TIME_LINE.fullmatch(line)
            if day is not None and len(line) <= _MAX_TIME_LINE and line[0].isdigit()
            else None
        )
        if clock is not None and day is not None:
            # A time alone ("14:35") under a headline: that story's, on the day of
            # the date line above it (in ``_date``), else the page's first one.
            dated.append(_Dated(len(lines), at_time_of_day(day, clock)))
            after_break = True
            continue
        if line[0] in _SEPARATOR_MARKS and _SEPARATOR.fullmatch(line):
            after_break = True
            continue
        if is_chrome_line(line):
            notes.add(CHROME_LINES, line)
            after_break = True
            continue
        if len(line) <= _MAX_TICKER_LINE and names_a_pair(line) and not _has_lower_words(line):
            notes.warn(f"ticker line not understood: {line[:60]!r}")
            notes.add("ticker lines not understood", line)
            after_break = True
            continue
        lines.append(_line(line, after_break))
        head = head and not looks_like_prose(line)
        after_break = False
    articles, first = _articles(lines, notes, dated)
    return ParsedPage(
        page_date=next(
            (
                entry.when.day
                for entry in dated
                if not entry.when.clock_only and (entry.head is None or entry.at <= first)
            ),
            None,
        ),
        articles=articles,
        quotes=unique_quotes(quotes),
        diagnostics=notes.diagnostics(),
    )


class _Dated(NamedTuple):
    """A date line (or a time alone) and the place of the line it stands before."""

    at: int
    when: DateLine
    # The line, when it is a date only with a place or a name before it
    # ("Astana, March 3, 2026"): the page's if no headline stands above it.
    head: str | None = None


_TIME_LINE = re.compile(TIME_OF_DAY, re.IGNORECASE)
_MAX_TIME_LINE = len("12:05 p.m. ALMT")
# "---", "* * *", "###": a rule between stories, no text of theirs.
_SEPARATOR_MARKS = "-*_=~#\u2013\u2014\u2022\u00b7\u2042"
_SEPARATOR = re.compile(rf"(?:[{_SEPARATOR_MARKS}]\s*){{3,}}")
# A ticker line is short and has no running words ("USD/KZT 512.30 up 0.2%").
_MAX_TICKER_LINE = 200
# What a page says before its first headline: its chrome, not an article.
BEFORE_HEADLINES = "before the first headline"


# Before a headline, a live page's time ("14:05 Uzbekistan opens a border
# crossing") or a digest's number ("2. Kyrgyz parliament backs new tax code").
_HEADLINE_PREFIX = re.compile(r"(?:(?:[01]?\d|2[0-3]):[0-5]\d|\d{1,2}[.)])\s+(?=[^\W\d_])")


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


def _without_prefix(headline: str) -> str:
    match = _HEADLINE_PREFIX.match(headline)
    if match is None or not headline[match.end()].isupper():
        return headline
    rest = headline[match.end() :]
    # "1. Kazakhstan, 2. Uzbekistan: …" numbers its own items.
    return headline if _HEADLINE_PREFIX.search(rest) else rest


_LIST_ITEM = re.compile(r"[-\u2013\u2014\u2022*\u00b7]\s")
# A hard-wrapped page: lines this long at most (as e-mail and wire text wrap at
# 64 to 80 columns), enough of them close to it.
_MIN_WRAP, _MAX_WRAP = 60, 100
_WRAP_SLACK = 15


def _wrapped(lines: list[_Line]) -> list[bool]:
    """For each line, whether the next one carries on its paragraph, wrapped at a
    fixed width as e-mail and wire text is: the line reaches the page's width,
    does not end a sentence, and the next follows without a break. On a page of
    one paragraph per line (most pages), no line does."""
    no = [False] * len(lines)
    lengths = [len(line.text) for line in lines]
    width = max(lengths, default=0)
    if not _MIN_WRAP <= width <= _MAX_WRAP:
        return no
    full = [n >= width - _WRAP_SLACK for n in lengths]
    if sum(full) < 3 or sum(full) * 5 < len(lines):
        return no
    joins = [
        full[k]
        and k + 1 < len(lines)
        and not lines[k + 1].after_break
        and not _LIST_ITEM.match(lines[k + 1].text)
        # Wrapped: the next line's first word would not have fitted on this one.
        and lengths[k] + 1 + len(lines[k + 1].text.split(maxsplit=1)[0]) > width - 2
        and not ends_sentence(lines[k].text)
        and not _is_meta(lines[k])
        for k in range(len(lines))
    ]
    # Wrapped prose carries on mid-sentence, mostly in lower case; lines that each
    # start with a capital are paragraphs of their own, however long.
    lower = sum(joins[k] and lines[k + 1].text[:1].islower() for k in range(len(lines)))
    return joins if lower * 2 >= sum(joins) > 0 else no


def _has_lower_words(line: str) -> bool:
    return sum(word.isalpha() and word.islower() for word in line.split()) >= 3


def article_lines(blocks: list[str], notes: Notes) -> tuple[ParsedArticle, ...]:
    """Articles from separate text blocks read the plain-text way, one paragraph each.

    Blocks before the first headline are counted in ``notes`` as left out.
    """
    lines: list[_Line] = []
    dated: list[_Dated] = []
    for block in blocks:
        when = read_date_line(block)
        if when is not None:
            dated.append(_Dated(len(lines), when))
        elif not is_ticker_line(block):  # not a date line, seen just above
            lines.append(_line(block, True))
    return _articles(lines, notes, dated)[0]


def _is_meta(line: _Line) -> bool:
    return line.authors is not None or line.dateline


def _title_case_flags(lines: list[_Line]) -> list[bool]:
    """Title Case headlines: what the page's own style says, checked against neighbours."""
    shaped = [looks_like_headline(line.text) and not _is_meta(line) for line in lines]
    flags = []
    for i, line in enumerate(lines):
        # What follows the headline, past its byline and dateline.
        j = i + 1
        while j < len(lines) and _is_meta(lines[j]):
            j += 1
        flags.append(
            shaped[i]
            # A headline introduces prose; a headline-shaped line followed by
            # another, or by a menu or "Log In", is page chrome or a kicker.
            and j < len(lines)
            and (j > i + 1 or (not shaped[j] and looks_like_prose(lines[j].text)))
            # A line continuing an unfinished sentence is prose wrapped at a
            # fixed width, however capitalised it happens to be.
            and (line.after_break or i == 0 or shaped[i - 1] or ends_sentence(lines[i - 1].text))
        )
    return flags


def _articles(
    lines: list[_Line], notes: Notes, dated: Sequence[_Dated] = ()
) -> tuple[tuple[ParsedArticle, ...], int]:
    """The articles, and the place of the first headline's line (``len(lines)``
    when there is none); ``dated``: the page's date lines."""
    continues = _wrapped(lines)
    cutter = StoryCutter([line.text for line in lines], _title_case_flags(lines), continues)
    # Each paragraph is kept as its lines and joined once at the end, so a
    # long hard-wrapped paragraph costs linear time, not quadratic.
    drafts: list[Draft] = []
    paragraphs: list[list[str]] = []
    authors: list[str] = []
    # A date line under a headline (and its byline) dates that story: when it
    # was published, or updated when it says so.
    pending = iter(dated)
    end = (len(lines) + 1, None, None)
    date_at, when, dateline = next(pending, end)
    first = len(lines)
    # Whether the story has prose yet (datelines and agency lines are none).
    prose = False
    day_only: set[int] = set()
    for i, line in enumerate(lines):
        while date_at <= i:
            if drafts and not prose and when is not None:
                _date(drafts[-1], when, day_only)
            if dateline is not None and drafts:
                # "Astana, March 3, 2026" under the first headline: a dateline,
                # which stays in the story's text, as under any other.
                paragraphs.append([dateline])
                cutter.add_text(dateline)
            date_at, when, dateline = next(pending, end)
        # A byline or a dateline ("By Monday", "Bishkek, March 3") is never a headline.
        if not _is_meta(line) and cutter.starts_story(
            i, line.after_break, [_is_meta(x) for x in lines[i + 1 : i + 3]]
        ):
            _finish(drafts, paragraphs, authors)
            if not drafts:
                first = i
            drafts.append(Draft(_without_prefix(line.text), ()))
            paragraphs, authors, prose = [], [], False
            cutter.open_story(line.text)
            continue
        if not drafts:  # text before the first headline is page chrome, not an article
            notes.add(BEFORE_HEADLINES, line.text)
            continue
        if line.dateline and not prose:
            # "Tashkent, 2 December 2026" under a headline stays in the story's
            # text and dates it.
            stated = read_date_line(line.text, page_head=True)
            if stated is not None:
                _date(drafts[-1], stated, day_only)
        if line.authors is not None:
            # Under the headline or at the story's end, as many outlets sign.
            authors.extend(line.authors)
        elif paragraphs and (
            continues[i - 1]
            or (
                not line.after_break
                and line.text[0].islower()
                and not ends_sentence(paragraphs[-1][-1])
            )
        ):
            # Hard-wrapped prose: this line finishes the previous one's sentence.
            paragraphs[-1].append(line.text)
            cutter.add_text(line.text)
        else:
            paragraphs.append([line.text])
            cutter.add_text(line.text)
            prose = prose or not line.dateline
    while date_at <= len(lines):  # under the last headline, nothing after it
        if dateline is not None and drafts and when is not None:
            if not prose:
                _date(drafts[-1], when, day_only)
            paragraphs.append([dateline])
        date_at, when, dateline = next(pending, end)
    _finish(drafts, paragraphs, authors)
    if lines and not drafts:
        notes.warn("no headline found")
    return build_articles(drafts), first


def _date(draft: Draft, when: DateLine, day_only: set[int]) -> None:
    """Date ``draft`` by ``when``; ``day_only``: the drafts dated by a day alone so far."""
    if when.updated:
        draft.modified = draft.modified or when.at
    elif draft.published is None:
        draft.published = when.at
        if not when.timed:
            day_only.add(id(draft))
    elif when.clock_only and id(draft) in day_only:
        # "1 December 2026", then "14:35": the time of that day, not the page's.
        day_only.discard(id(draft))
        draft.published = when.at + (draft.published.date() - when.day)


def _finish(drafts: list[Draft], paragraphs: list[list[str]], authors: list[str]) -> None:
    """Give the last draft its paragraphs and authors, once its story has ended."""
    if drafts:
        drafts[-1].paragraphs = [" ".join(parts) for parts in paragraphs]
        drafts[-1].authors = tuple(dict.fromkeys(authors))
