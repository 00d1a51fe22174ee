"""Plain-text pages: ticker lines, a date line, then headlines and their paragraphs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from .articles import Draft, build_articles
from .chrome_lines import KIND as CHROME_LINES
from .chrome_lines import heads_story, is_chrome_line
from .dates import TIME_OF_DAY, YEAR, DateLine, at_time_of_day, read_date_line
from .digest_marks import headline_draft, opens_with_mark, without_symbols
from .draft_dates import date_draft, on_day
from .headlines import looks_like_headline, looks_like_prose
from .model import ParsedArticle, ParsedPage, Quote
from .notes import Notes
from .section_labels import is_label
from .stories import StoryCutter, shares_subject
from .text_dates import (
    MAX_STAMP_LINE,
    head_date,
    iso_stamp,
    relative_day_line,
    section_stamp,
    stamp_parts,
)
from .text_lines import (
    Line,
    add_line,
    carries_on,
    is_meta,
    named_over,
    over_standfirst,
    signs,
    text_line,
    title_case_flags,
)
from .ticker import TickerLines, is_ticker_line, names_a_pair, unique_quotes
from .wrapped_lines import wrapped


def parse_text(text: str, received: datetime | None = None) -> ParsedPage:
    """Parse a plain-text page as returned by ``decode_body``; markup in it is
    just text. ``received``: when the page was received, the day a page that
    states no date of its own counts "Today" and "Yesterday" from."""
    quotes: list[Quote] = []
    # The day of the page's first date line (or a dateline above the first prose).
    day: date | None = None
    relative: date | None = None  # else its first "Сегодня"'s, for lone times
    lines: list[Line] = []
    tickers = TickerLines()
    notes = Notes()
    after_break = True
    head = True  # above the page's first prose
    # Date lines, each with the place of the line it stands before.
    dated: list[_Dated] = []
    rows = text.splitlines()
    for n, raw in enumerate(rows):
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
        found = _date_entries(line, len(lines), (day, received), notes, (rows, n) if head else None)
        if found:
            if found[0].relative:
                relative = relative or found[0].when.day
            else:
                day = day or found[0].when.day
            dated.extend(found)
            after_break = True
            continue
        clock_day = day or relative
        clock = (
            _TIME_LINE.fullmatch(line)
            if clock_day is not None and len(line) <= _MAX_TIME_LINE and line[0] in _TIME_STARTS
            else None
        )
        if clock is not None and clock_day is not None:
            # A time alone ("14:35") under a headline: that story's, on the day of
            # the date line above it (in ``_date``), else the page's first one.
            dated.append(_Dated(len(lines), at_time_of_day(clock_day, clock, _zone(dated)), line))
            after_break = True
            continue
        if line[0] in _SEPARATOR_MARKS and _SEPARATOR.fullmatch(line):
            after_break = True
            continue
        if is_chrome_line(line) and not heads_story(line, rows[n + 1 : n + 4], after_break):
            notes.add(CHROME_LINES, line)
            after_break = True
            continue
        if len(line) <= _MAX_TICKER_LINE and names_a_pair(line) and not _has_lower_words(line):
            notes.warn(f"ticker line not understood: {line[:60]!r}")
            notes.add("ticker lines not understood", line)
            after_break = True
            continue
        add_line(lines, line, after_break, rows, n)
        head = head and not looks_like_prose(line)
        after_break = False
    articles, first = _articles(lines, notes, dated, day or relative)
    return ParsedPage(
        page_date=next(
            (
                entry.when.day
                for entry in dated
                if not entry.when.clock_only
                and not entry.relative
                and (not entry.head or entry.at <= first)
            ),
            None,
        ),
        articles=articles,
        quotes=unique_quotes(quotes),
        diagnostics=notes.diagnostics(),
    )


def _date_entries(
    line: str,
    at: int,
    anchors: tuple[date | None, datetime | None],
    notes: Notes,
    below: tuple[list[str], int] | None,
) -> tuple[_Dated, ...]:
    """The date line ``line`` is, before line ``at``: a date line, or one in
    parts ("Published … | Updated …", "4 декабря 2026 · Политика"); a day
    named relative to the page's date, else to its receipt (``anchors``:
    "Вчера, 18:40"); or above the first prose (``below``: the rows and its
    place), a date with a place or a name before it — the page's own date line
    above the first headline, else a dateline under it (``_articles`` tells).
    None: no date line."""
    when = read_date_line(line)
    if when is None and len(line) <= MAX_STAMP_LINE and YEAR.search(line) is not None:
        # Shapes of a stamp line a date line has not: each with its year.
        when = iso_stamp(line) or section_stamp(line)
    if when is not None:
        return (_Dated(at, when, line),)
    when = relative_day_line(line, *anchors, notes, ago=True)
    if when is not None:
        return (_Dated(at, when, line, relative=True),)
    # Its parts dated or named relative to the receipt: "Вчера, 15:00 |
    # Экономика", "December 4, 2026 8:12 AM GMT+5 Updated 2 hours ago".
    parts = stamp_parts(line, lambda part: _stamp_part(part, anchors, notes))
    if parts is not None:
        # A part without its year is named relative to the receipt: no page's date.
        return tuple(
            _Dated(at, stamp, text, relative=YEAR.search(text) is None) for text, stamp in parts
        )
    when = head_date(line, *below) if below is not None else None
    return () if when is None else (_Dated(at, when, line, head=True),)


def _stamp_part(
    part: str, anchors: tuple[date | None, datetime | None], notes: Notes
) -> DateLine | None:
    """A stamp line's part read as a date, or as a day relative to another."""
    if YEAR.search(part) is not None:
        return read_date_line(part)
    return relative_day_line(part, *anchors, notes, ago=True)


def _zone(dated: Sequence[_Dated]) -> str | None:
    """The zone the page's first date line to name one names, for its lone times."""
    return next((entry.when.zone for entry in dated if entry.when.zone), None)


class _Dated(NamedTuple):
    """A date line (or a time alone) and the place of the line it stands before."""

    at: int
    when: DateLine
    text: str
    # A date only with a place or a name before it ("Astana, March 3, 2026"):
    # the page's if no headline stands above it, else a dateline in its story.
    head: bool = False
    # A day named relative to another ("Вчера, 18:40"): never the page's date.
    relative: bool = False


# A time alone, or after the word for "at" or "time" ("Soat 10:15", "Сағат 10:15").
_TIME_LINE = re.compile(rf"(?:(?:soat|saat|сағат|саат|время|at)\s+)?{TIME_OF_DAY}", re.IGNORECASE)
_TIME_STARTS = frozenset("0123456789SsСсВвAa")
_MAX_TIME_LINE = len("12:05 p.m. по астанинскому времени")
# "---", "* * *", "###": a rule between stories, no text of theirs.
_SEPARATOR_MARKS = "-*_=~#\u2013\u2014\u2022\u00b7\u2042"
_SEPARATOR = re.compile(rf"(?:[{_SEPARATOR_MARKS}]\s*){{3,}}")
# A ticker line is short and has no running words ("USD/KZT 512.30 up 0.2%").
_MAX_TICKER_LINE = 200
# What a page says before its first headline: its chrome, not an article.
BEFORE_HEADLINES = "before the first headline"
# A section's label between stories ("SOCIETY"), no story's text.
SECTION_LABELS = "section labels"
# A date line that dates no story: between stories, or under a story's text.
UNDATED = "dates under no headline"


def _has_lower_words(line: str) -> bool:
    return sum(word.isalpha() and word.islower() for word in line.split()) >= 3


def article_lines(blocks: list[str], notes: Notes) -> tuple[ParsedArticle, ...]:
    """Articles from separate text blocks read the plain-text way, one paragraph each.

    Blocks before the first headline are counted in ``notes`` as left out.
    """
    lines: list[Line] = []
    dated: list[_Dated] = []
    for block in blocks:
        when = read_date_line(block)
        if when is not None:
            dated.append(_Dated(len(lines), when, block))
        elif not is_ticker_line(block):  # not a date line, seen just above
            lines.append(text_line(block, True))
    return _articles(lines, notes, dated)[0]


def _articles(
    lines: list[Line], notes: Notes, dated: Sequence[_Dated] = (), day: date | None = None
) -> tuple[tuple[ParsedArticle, ...], int]:
    """The articles, and the place of the first headline's line (``len(lines)``
    when there is none); ``dated``: the page's date lines, ``day``: the first's."""
    drafts, first, left_out = _cut(lines, dated, day, lenient=False)
    if lines and not drafts:
        # No headline by the page's own shapes: one line of a shape not known
        # (a stamp, a credit) under each headline must not lose the page.
        drafts, first, left_out = _cut(lines, dated, day, lenient=True)
    if len(drafts) == 1 and named_over(lines, first, {entry.at for entry in dated}):
        # One story under the date line: the line above it, left out as the
        # page's name, is that story's headline when it is on its subject.
        # A name in Title Case over a headline in sentence case is the page's,
        # however much of the story's subject it names ("Central Asia Energy News").
        above, title = lines[first - 1].text, lines[first].text
        if not (looks_like_headline(above) and not looks_like_headline(title)):
            alone = _cut(lines, dated, day, lenient=False, head=first - 1)
            if len(alone[0]) == 1 and shares_subject(above, alone[0][0].paragraphs):
                drafts, first, left_out = alone
    for kind, text in left_out:
        notes.add(kind, text)
    if lines and not drafts:
        notes.warn("no headline found")
    return build_articles(drafts), first


def _cut(
    lines: list[Line], dated: Sequence[_Dated], day: date | None, *, lenient: bool, head: int = -1
) -> tuple[list[Draft], int, list[tuple[str, str]]]:
    """The page's stories, the place of the first headline's line, and the
    lines in no story with their kinds; ``head``: a line taken as a headline."""
    texts = [line.text for line in lines]
    continues = wrapped(texts, [x.after_break for x in lines], [is_meta(x) for x in lines])
    # A date line right under a line: that line's story's meta, as a byline is.
    under = {entry.at for entry in dated}
    cutter = StoryCutter(texts, title_case_flags(lines, under), continues, lenient=lenient)
    zone = _zone(dated)  # the page's, for a live page's times
    # Each paragraph is kept as its lines and joined once at the end, so a
    # long hard-wrapped paragraph costs linear time, not quadratic.
    drafts: list[Draft] = []
    paragraphs: list[list[str]] = []
    authors: list[str] = []
    left_out: list[tuple[str, str]] = []
    # A date line under a headline (and its byline) dates that story; the page's
    # first is its date wherever it stands; a later one between stories is left out.
    pending = iter(dated)
    entry = next(pending, None)
    page_dated = False
    first = len(lines)
    # Whether the story has prose yet (datelines and agency lines are none).
    prose = False
    day_only: set[int] = set()
    for i in range(len(lines) + 1):
        while entry is not None and entry.at <= i:
            dateline = entry.head and bool(drafts)
            page_date = not (page_dated or dateline or entry.when.clock_only or entry.relative)
            page_dated = page_dated or page_date
            when = on_day(entry.when, day)  # the day of the lone times below
            if drafts and _dates_story(prose, paragraphs, lines, entry.at):
                date_draft(drafts[-1], when, day_only)
            elif not dateline and not page_date:
                left_out.append((UNDATED if drafts else BEFORE_HEADLINES, entry.text))
                day = when.day if drafts and day and not when.clock_only else day
            if dateline:
                # "Astana, March 3, 2026" under the first headline: its dateline.
                paragraphs.append([entry.text])
                cutter.add_text(entry.text)
            entry = next(pending, None)
        if i == len(lines):
            break
        line = lines[i]
        # A byline or a dateline ("By Monday", "Bishkek, March 3") is never a headline.
        if i == head or _headline(cutter, lines, i, under, first=not drafts):
            _finish(drafts, paragraphs, authors)
            if not drafts:
                first = i
            drafts.append(headline_draft(line.text, None if i + 1 in under else day, zone))
            paragraphs, authors, prose = [], [], False
            cutter.open_story(line.text)
            continue
        if not drafts or _label(cutter, lines, i, under):
            # Text before the first headline is page chrome, not an article.
            left_out.append((SECTION_LABELS if drafts else BEFORE_HEADLINES, line.text))
            continue
        if line.dateline and not prose:
            # "Tashkent, 2 December 2026" under a headline stays in the story's
            # text and dates it.
            stated = read_date_line(line.text, page_head=True)
            if stated is not None:
                date_draft(drafts[-1], stated, day_only)
        if line.authors is not None or (paragraphs and signs(lines, i)):
            # Under the headline or at the story's end, as many outlets sign
            # (there a name alone too, set apart: "Айгерим Сейткали").
            authors.extend((line.text,) if line.authors is None else line.authors)
        elif paragraphs and (
            continues[i - 1] or (not line.after_break and carries_on(line.text, paragraphs[-1][-1]))
        ):
            paragraphs[-1].append(line.text)
            cutter.add_text(line.text)
        else:
            paragraphs.append([line.text])
            cutter.add_text(line.text)
            prose = prose or not line.dateline
    _finish(drafts, paragraphs, authors)
    return drafts, first, left_out


def _dates_story(prose: bool, paragraphs: list[list[str]], lines: list[Line], at: int) -> bool:
    """Whether a date line before line ``at`` dates the story being read: it has
    no prose yet, or only its standfirst and then its byline right above the
    date ("By Dana Omarova", "December 4, 2026")."""
    if not prose:
        return True
    return len(paragraphs) <= 1 and 0 < at <= len(lines) and lines[at - 1].authors is not None


def _headline(
    cutter: StoryCutter, lines: list[Line], i: int, under: set[int], *, first: bool
) -> bool:
    """Whether line ``i`` starts a story; ``first``: no story has started yet.
    A line over the page's date line with a headline under that ("Trend News
    Agency", "04.12.2026", then the first story) is the page's name."""
    if i >= len(lines) or is_meta(lines[i]):
        return False
    meta = [is_meta(x) for x in lines[i + 1 : i + 3]]
    if not cutter.starts_story(i, lines[i].after_break, meta, dated=i + 1 in under):
        # Headline, standfirst without its full stop, byline: two lines over
        # a byline, of which the first is the headline.
        return first and i + 1 not in under and over_standfirst(lines, i)
    # Asked of the next line only while the cutter is in no story. That line is
    # a headline set apart by a blank line, or one with its own stamp or byline
    # under it; else it is the story's lead, under its date line.
    return not (
        first
        and i + 1 in under
        and (lines[i + 1].blank or i + 2 in under or any(meta[1:]))
        and _headline(cutter, lines, i + 1, under, first=False)
    )


def _label(cutter: StoryCutter, lines: list[Line], i: int, under: set[int]) -> bool:
    """Whether line ``i`` is a section's label between stories ("SOCIETY",
    "Экономика"): short, set apart by a blank line above and below, over a
    headline, which is then no kicker's and starts its story."""
    line = lines[i]
    if not (line.after_break and i + 1 < len(lines) and lines[i + 1].blank):
        return False
    if is_meta(line) or not is_label(line.text):
        return False
    cutter.set_apart(i)
    if _headline(cutter, lines, i + 1, under, first=False):
        return True
    cutter.set_apart(i, False)
    return False


def _finish(drafts: list[Draft], paragraphs: list[list[str]], authors: list[str]) -> None:
    """Give the last draft its paragraphs and authors, once its story has ended."""
    if drafts:
        drafts[-1].paragraphs = [" ".join(parts) for parts in paragraphs]
        drafts[-1].authors = tuple(dict.fromkeys(authors))
