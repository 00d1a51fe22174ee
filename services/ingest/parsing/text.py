"""Plain-text pages: ticker lines, a date line, then headlines and their paragraphs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from .articles import build_articles
from .bylines import stamp_authors
from .caption_lines import caption_under_credit, credits_photo
from .chat_export import chat_rows
from .chrome_lines import KIND as CHROME_LINES
from .chrome_lines import heads_story, is_chrome_line, is_link_line, opens_links
from .column_text import column_rows
from .dates import TIME_OF_DAY, YEAR, DateLine, at_time_of_day, read_date_line
from .digest_marks import opens_with_mark, without_symbols
from .headlines import looks_like_headline, looks_like_prose
from .model import ParsedArticle, ParsedPage, Quote
from .notes import Notes
from .section_labels import is_rubric_path
from .site_lines import is_bar_menu
from .story_subjects import shares_subject
from .text_dates import (
    MAX_STAMP_LINE,
    head_date,
    iso_stamp,
    post_stamp,
    relative_day_line,
    section_stamp,
    stamp_parts,
    without_converted_time,
)
from .text_lines import Line, add_line, in_schedule, named_over, text_line
from .text_records import MIN_RECORDS, TITLE_INITIALS, is_title_field, records_page
from .text_stories import BEFORE_HEADLINES, SECTION_LABELS, UNDATED, Dated, cut_stories, first_zone
from .ticker import TickerLines, is_ticker_line, names_a_pair, rate_block, unique_quotes

__all__ = [
    "BEFORE_HEADLINES",
    "SECTION_LABELS",
    "UNDATED",
    "article_lines",
    "parse_text",
    "without_symbols",
]


def parse_text(text: str, received: datetime | None = None) -> ParsedPage:
    """Parse a plain-text page as returned by ``decode_body``; markup in it is
    just text. ``received``: when the page was received, the day a page that
    states no date of its own counts "Today" and "Yesterday" from."""
    reader = _PageReader(received)
    tickers, quotes = reader.tickers, reader.quotes
    rows = text.splitlines()
    rows = column_rows(text, rows) or rows  # a scanned page's narrow columns
    chat = chat_rows(rows)  # a messenger's chat, exported
    if chat is not None:
        rows = chat[0]
        for notice in chat[1]:
            reader.notes.add(CHROME_LINES, notice)
    titles = 0  # a feed's records' title fields: read as records (``records_page``)
    block_end = -1  # the last row of a ticker set out a rate a line
    for n, raw in enumerate(rows):
        line = raw.strip()
        if n <= block_end:
            continue
        if not line:
            reader.after_break = True
            continue
        if line[0] in TITLE_INITIALS and is_title_field(line):
            titles += 1
        if opens_with_mark(line):
            line = without_symbols(line)
        # A captured ticker repeats its lines many times over: read here, first.
        ticker = tickers.parse(line)
        if ticker is None and line[-1] == ":" and (block := rate_block(line, rows, n)) is not None:
            line, block_end = block
            ticker = tickers.parse(line)
        if ticker is not None:
            quotes.extend(ticker)
            reader.after_break = True
            if tickers.others:
                # "Brent 71.84 -1.3%" beside the pairs: no currency pair, said.
                for other in tickers.others:
                    reader.notes.add(OTHER_INSTRUMENTS, other)
                tickers.others.clear()
        else:
            reader.after_break = reader.read(line, rows, n)
    records = records_page(rows) if titles >= MIN_RECORDS else None
    return reader.page() if records is None else records


# A ticker's items that name no currency pair: an oil price, a stock index.
OTHER_INSTRUMENTS = "ticker items not currency pairs"


class _PageReader:
    """A plain-text page read line by line: its quotes, its date lines, and
    the lines its stories are cut from."""

    def __init__(self, received: datetime | None) -> None:
        self.received = received
        self.quotes: list[Quote] = []
        # The day of the page's first date line (or a dateline above the first prose).
        self.day: date | None = None
        self.relative: date | None = None  # else its first "Сегодня"'s, for lone times
        self.lines: list[Line] = []
        self.tickers = TickerLines()
        self.notes = Notes()
        self.after_break = True
        self.head = True  # above the page's first prose
        # Right under a label over links to other stories ("Read also:"), or
        # under a line left out as the site's (whose end may be wrapped).
        self.links = self.chrome_above = False
        # Right under a photo's credit or caption label ("Photo credit: …").
        self.credit = False
        # Right under a rubric's path set apart above ("Туркменистан / Общество").
        self.rubric_apart = False
        # Date lines, each with the place of the line it stands before.
        self.dated: list[Dated] = []

    def read(self, line: str, rows: list[str], n: int) -> bool:
        """Read ``line``, row ``n`` of ``rows``; whether it breaks the text
        (a date or left-out line: the next line starts afresh); ``line`` is
        stripped of a digest's marks and no ticker line."""
        # Set apart from the text above by a blank line (or the page's start).
        apart = n == 0 or not rows[n - 1].strip()
        if (self.links and not apart and is_link_line(line)) or (
            self.chrome_above and not apart and line[0].islower()
        ):
            # Right under "Читайте также:": a link to another story; or a
            # left-out line's end, wrapped onto this one.
            self.notes.add(CHROME_LINES, line)
            return True
        self.links = self.chrome_above = False
        credit, self.credit = self.credit, False
        schedule = line[0].isdigit() and in_schedule(rows, n)
        if not schedule and (
            self._date_line(line, rows, n, apart) or self._time_alone(line, apart)
        ):
            return True
        if credit and not apart and caption_under_credit(line):
            # "Photo credit: Almaty akimat", then "Volunteers planting saplings":
            # the photo's caption, right under its credit.
            self.notes.add(CHROME_LINES, line)
            return True
        if line[0] in _SEPARATOR_MARKS and _SEPARATOR.fullmatch(line):
            return True
        if " / " in line and is_rubric_path(line):
            self.notes.add(SECTION_LABELS, line)  # "Туркменистан / Общество"
            self.rubric_apart = apart
            return True
        notes = self.notes
        if (
            is_chrome_line(line)
            and not heads_story(line, rows[n + 1 : n + 4], self.after_break)
            # A menu over the page's first prose is its head, read as the page's name is.
            and not (self.head and is_bar_menu(line))
        ):
            notes.add(CHROME_LINES, line)
            self.links, self.chrome_above = opens_links(line), True
            self.credit = credits_photo(line)
            return True
        if len(line) <= _MAX_TICKER_LINE and names_a_pair(line) and not _has_lower_words(line):
            notes.warn(f"ticker line not understood: {line[:60]!r}")
            notes.add("ticker lines not understood", line)
            return True
        add_line(self.lines, line, self.after_break, rows, n, self.rubric_apart)
        self.rubric_apart = False
        self.head = self.head and not looks_like_prose(line)
        return False

    def _date_line(self, line: str, rows: list[str], n: int, apart: bool) -> bool:
        """Whether ``line`` is a date line, kept in ``dated`` if so."""
        anchors = (self.day, self.received)
        found = _date_entries(
            line, len(self.lines), anchors, self.notes, (rows, n) if self.head else None
        )
        if not found:
            bare = without_converted_time(line) if line[-1] == ")" else None
            if bare is None:
                return False
            found = _date_entries(bare, len(self.lines), anchors, self.notes, None)
            if not found:
                return False
            found = tuple(entry._replace(text=line) for entry in found)
        if found[0].relative:
            self.relative = self.relative or found[0].when.day
        else:
            self.day = self.day or found[0].when.day
        self.dated.extend(entry._replace(apart=apart) for entry in found)
        return True

    def _time_alone(self, line: str, apart: bool) -> bool:
        """Whether ``line`` is a time alone ("14:35"), kept in ``dated`` if so:
        the time of the story it stands with, on the day of the date line above
        it (in ``cut_stories``), else on the page's first one."""
        clock_day = self.day or self.relative
        if clock_day is None or line[0] not in _TIME_STARTS:
            return False
        # "15:30 (мск 12:30)": the page's own time, and its conversion.
        own = without_converted_time(line) or line if line[-1] == ")" else line
        clock = _TIME_LINE.fullmatch(own) if len(own) <= _MAX_TIME_LINE else None
        if clock is None:
            return False
        when = at_time_of_day(clock_day, clock, first_zone(self.dated))
        self.dated.append(Dated(len(self.lines), when, line, apart=apart))
        return True

    def page(self) -> ParsedPage:
        """The page its lines make."""
        dated = self.dated
        articles, first = _articles(self.lines, self.notes, dated, self.day or self.relative)
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
            quotes=unique_quotes(self.quotes),
            diagnostics=self.notes.diagnostics(),
        )


def _date_entries(
    line: str,
    at: int,
    anchors: tuple[date | None, datetime | None],
    notes: Notes,
    below: tuple[list[str], int] | None,
) -> tuple[Dated, ...]:
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
        when = iso_stamp(line) or section_stamp(line) or post_stamp(line)
    if when is not None:
        return (Dated(at, when, line),)
    when = relative_day_line(line, *anchors, notes, ago=True)
    if when is not None:
        return (Dated(at, when, line, relative=True),)
    # Its parts dated or named relative to the receipt: "Вчера, 15:00 |
    # Экономика", "December 4, 2026 8:12 AM GMT+5 Updated 2 hours ago".
    parts = stamp_parts(line, lambda part: _stamp_part(part, anchors, notes))
    if parts is not None:
        # A part without its year is named relative to the receipt: no page's date.
        authors = stamp_authors(line)  # "… | Автор: Марина Щербакова | Просмотров: 1 907"
        return tuple(
            Dated(at, stamp, text, relative=YEAR.search(text) is None, authors=authors)
            for text, stamp in parts
        )
    when = head_date(line, *below) if below is not None else None
    return () if when is None else (Dated(at, when, line, head=True),)


def _stamp_part(
    part: str, anchors: tuple[date | None, datetime | None], notes: Notes
) -> DateLine | None:
    """A stamp line's part read as a date, or as a day relative to another."""
    if YEAR.search(part) is not None:
        return read_date_line(part)
    return relative_day_line(part, *anchors, notes, ago=True)


# A time alone, or after the word for "at" or "time" ("Soat 10:15", "Сағат 10:15").
_TIME_LINE = re.compile(rf"(?:(?:soat|saat|сағат|саат|время|at)\s+)?{TIME_OF_DAY}", re.IGNORECASE)
_TIME_STARTS = frozenset("0123456789SsСсВвAa")
_MAX_TIME_LINE = len("12:05 p.m. по астанинскому времени")
# "---", "* * *", "###": a rule between stories, no text of theirs.
_SEPARATOR_MARKS = "-*_=~#\u2013\u2014\u2022\u00b7\u2042\u2500\u2501\u2550"
_SEPARATOR = re.compile(rf"(?:[{_SEPARATOR_MARKS}]\s*){{3,}}")
# A ticker line is short and has no running words ("USD/KZT 512.30 up 0.2%").
_MAX_TICKER_LINE = 200


def _has_lower_words(line: str) -> bool:
    return sum(word.isalpha() and word.islower() for word in line.split()) >= 3


def article_lines(blocks: list[str], notes: Notes) -> tuple[ParsedArticle, ...]:
    """Articles from separate text blocks read the plain-text way, one paragraph each.

    Blocks before the first headline are counted in ``notes`` as left out.
    """
    lines: list[Line] = []
    dated: list[Dated] = []
    for block in blocks:
        when = read_date_line(block)
        if when is not None:
            dated.append(Dated(len(lines), when, block))
        elif not is_ticker_line(block):  # not a date line, seen just above
            lines.append(text_line(block, True))
    return _articles(lines, notes, dated)[0]


def _articles(
    lines: list[Line], notes: Notes, dated: Sequence[Dated] = (), day: date | None = None
) -> tuple[tuple[ParsedArticle, ...], int]:
    """The articles, and the place of the first headline's line (``len(lines)``
    when there is none); ``dated``: the page's date lines, ``day``: the first's."""
    drafts, first, left_out = cut_stories(lines, dated, day, lenient=False)
    if lines and not drafts:
        # No headline by the page's own shapes: one line of a shape not known
        # (a stamp, a credit) under each headline must not lose the page.
        drafts, first, left_out = cut_stories(lines, dated, day, lenient=True)
    if len(drafts) == 1 and named_over(lines, first, {entry.at for entry in dated}):
        # One story under the date line: the line above it, left out as the
        # page's name, is that story's headline when it is on its subject.
        # A name in Title Case over a headline in sentence case is the page's,
        # however much of the story's subject it names ("Central Asia Energy News").
        above, title = lines[first - 1].text, lines[first].text
        if not (looks_like_headline(above) and not looks_like_headline(title)):
            alone = cut_stories(lines, dated, day, lenient=False, head=first - 1)
            if len(alone[0]) == 1 and shares_subject(above, alone[0][0].paragraphs):
                drafts, first, left_out = alone
    for kind, text in left_out:
        notes.add(kind, text)
    if lines and not drafts:
        notes.warn("no headline found")
    return build_articles(drafts), first
