"""Cutting a plain-text page's lines into stories: where each starts, what
dates it, and which lines belong to none."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from .articles import Draft
from .bylines import byline_day, signature_name
from .caption_lines import captions_story
from .chrome_lines import KIND as CHROME_LINES
from .dates import DateLine, read_date_line
from .digest_marks import headline_draft
from .draft_dates import date_draft, on_day
from .section_labels import is_label, notes_the_issuer
from .stories import StoryCutter
from .text_lines import (
    Line,
    carries_on,
    is_meta,
    over_standfirst,
    schedule_lines,
    signs,
    speaker_lines,
    title_case_flags,
)
from .wrapped_lines import opens_wrapped_prose, wrapped

# What a page says before its first headline: its chrome, not an article.
BEFORE_HEADLINES = "before the first headline"
# A section's label between stories ("SOCIETY"), no story's text.
SECTION_LABELS = "section labels"
# A date line that dates no story: between stories, or under a story's text.
UNDATED = "dates under no headline"


# What a caption's label ("Photo:", "Видео:", "Image:") starts with.
_CAPTION_INITIALS = frozenset("PpVvФфВвIiИи")


class Dated(NamedTuple):
    """A date line (or a time alone) and the place of the line it stands before."""

    at: int
    when: DateLine
    text: str
    # A date only with a place or a name before it ("Astana, March 3, 2026"):
    # the page's if no headline stands above it, else a dateline in its story.
    head: bool = False
    # A day named relative to another ("Вчера, 18:40"): never the page's date.
    relative: bool = False
    # Set apart by a blank line above it (or the page's start).
    apart: bool = False
    # The authors a stamp line in parts names beside its date ("… | Автор: …").
    authors: tuple[str, ...] = ()


def first_zone(dated: Sequence[Dated]) -> str | None:
    """The zone the page's first date line to name one names, for its lone times."""
    return next((entry.when.zone for entry in dated if entry.when.zone), None)


def cut_stories(
    lines: list[Line], dated: Sequence[Dated], day: date | None, *, lenient: bool, head: int = -1
) -> tuple[list[Draft], int, list[tuple[str, str]]]:
    """The page's stories, the place of the first headline's line, and the
    lines in no story with their kinds; ``dated``: the page's date lines,
    ``day``: the first's; ``head``: a line taken as a headline."""
    return _StoryCut(lines, dated, day, lenient).run(head)


class _StoryCut:
    """One reading of a page's lines, top to bottom, into stories."""

    def __init__(
        self, lines: list[Line], dated: Sequence[Dated], day: date | None, lenient: bool
    ) -> None:
        self.lines = lines
        texts = [line.text for line in lines]
        self.continues = wrapped(texts, [x.after_break for x in lines], [is_meta(x) for x in lines])
        # A date line right under a line: that line's story's meta, as a byline is.
        self.under = {entry.at for entry in dated}
        # Those set apart from the line above them by a blank line: no stamp of that line's.
        self.apart = {entry.at for entry in dated if entry.apart}
        # An interview's speakers' names, each on a line over their words: no headlines.
        # A schedule's rows ("08:40 Istanbul") neither.
        self.speakers = speaker_lines(lines) | schedule_lines(lines)
        title_case = title_case_flags(lines, self.under, self.continues)
        for i in self.speakers:
            title_case[i] = False
        breaks = [x.after_break for x in lines]
        last_bylined = max((k for k in range(len(lines) - 1) if lines[k + 1].authors), default=-1)
        self.cutter = StoryCutter(
            texts,
            title_case,
            self.continues,
            breaks=breaks,
            last_bylined=last_bylined,
            lenient=lenient,
        )
        self.zone = first_zone(dated)  # the page's, for a live page's times
        self.day = day
        # Each paragraph is kept as its lines and joined once at the end, so a
        # long hard-wrapped paragraph costs linear time, not quadratic.
        self.drafts: list[Draft] = []
        self.paragraphs: list[list[str]] = []
        self.authors: list[str] = []
        self.left_out: list[tuple[str, str]] = []
        # A date line under a headline (and its byline) dates that story; the page's
        # first is its date wherever it stands; a later one between stories is left out.
        self.pending = iter(dated)
        self.entry = next(self.pending, None)
        self.page_dated = False
        self.first = len(lines)
        # Whether the story has prose yet (datelines and agency lines are none).
        self.prose = False
        self.day_only: set[int] = set()
        # A stamp right over line ``i``, held until that line is read: the
        # stamp of the story it heads, else left out as the kind it holds.
        self.above: tuple[DateLine, str | None, str] | None = None
        # Whether the page stamps its stories over their headlines (a story has
        # opened under its stamp): then a stamp right over a line is that
        # line's, set apart from the text above it or not.
        self.stamps_over = False

    def run(self, head: int) -> tuple[list[Draft], int, list[tuple[str, str]]]:
        read = self._read
        for i in range(len(self.lines)):
            entry = self.entry
            if entry is not None and entry.at <= i:
                self._date_lines_before(i)
            read(i, head)
        self._date_lines_before(len(self.lines))
        _finish(self.drafts, self.paragraphs, self.authors)
        return self.drafts, self.first, self.left_out

    def _date_lines_before(self, i: int) -> None:
        """Read the date lines standing before line ``i``."""
        drafts = self.drafts
        while (entry := self.entry) is not None and entry.at <= i:
            dateline = entry.head and bool(drafts)
            page_date = not (self.page_dated or dateline or entry.when.clock_only or entry.relative)
            self.page_dated = self.page_dated or page_date
            when = on_day(entry.when, self.day)  # the day of the lone times below
            if drafts and _dates_story(self.prose, self.paragraphs, self.lines, entry):
                date_draft(drafts[-1], when, self.day_only)
                self.authors.extend(entry.authors)
            elif not dateline and not page_date:
                kind = UNDATED if drafts else BEFORE_HEADLINES
                if self._over_line(entry, i):
                    self.above = (when, kind, entry.text)
                else:
                    self.left_out.append((kind, entry.text))
                if drafts and self.day and not when.clock_only:
                    self.day = when.day
            elif page_date and self._over_line(entry, i):
                # The page's date line with its time, right over the first
                # headline, is that story's stamp too.
                self.above = (when, None, entry.text)
            if dateline:
                # "Astana, March 3, 2026" under the first headline: its dateline.
                self.paragraphs.append([entry.text])
                self.cutter.add_text(entry.text)
            self.entry = next(self.pending, None)

    def _over_line(self, entry: Dated, i: int) -> bool:
        """Whether the stamp ``entry``, set apart from the text above it (or on a
        page that stamps its stories over their headlines), stands right over
        line ``i`` (a blank line between them or none) with its time
        ("12:45", "4 December 2026, 12:45"): the stamp of the story it heads,
        when line ``i`` is a headline."""
        return (
            (entry.apart or self.stamps_over)
            and entry.at == i < len(self.lines)
            and entry.when.timed
        )

    def _read(self, i: int, head: int) -> None:
        """Read line ``i``: a headline, a line in no story, or the story's text."""
        lines, line = self.lines, self.lines[i]
        above, self.above = self.above, None
        if (
            self.drafts
            and line.text[0] in _CAPTION_INITIALS
            and captions_story(line.text, self._story_text)
        ):
            # A photo's or a video's caption inside a story: none of its text.
            self.left_out.append((CHROME_LINES, line.text))
            return
        # A byline or a dateline ("By Monday", "Bishkek, March 3") is never a headline.
        if i == head or (
            i not in self.speakers
            and not (self.continues[i] and opens_wrapped_prose(lines, i, self.continues))
            and not (self.drafts and line.text[0] in "AДСО" and notes_the_issuer(line.text))
            and _headline(
                self.cutter,
                lines,
                i,
                self.under,
                first=not self.drafts,
                stamped=above is not None,
                apart=self.apart,
            )
        ):
            self._open(i)
            if above is not None:
                date_draft(self.drafts[-1], above[0], self.day_only)
                self.stamps_over = True
            return
        if above is not None and above[1] is not None:
            self.left_out.append((above[1], above[2]))
        if not self.drafts or _label(self.cutter, lines, i, self.under):
            # Text before the first headline is page chrome, not an article.
            self.left_out.append((SECTION_LABELS if self.drafts else BEFORE_HEADLINES, line.text))
            return
        if line.dateline and not self.prose:
            # "Tashkent, 2 December 2026" under a headline stays in the story's
            # text and dates it.
            stated = read_date_line(line.text, page_head=True)
            if stated is not None:
                date_draft(self.drafts[-1], stated, self.day_only)
        if line.authors is not None and len(self.paragraphs) <= 1:
            # "By … | March 5, 2026" under a headline (and its standfirst) dates
            # its story as a date line would.
            day = byline_day(line.text)
            stated = read_date_line(day) if day else None
            if stated is not None:
                date_draft(self.drafts[-1], stated, self.day_only)
        paragraphs = self.paragraphs
        if line.authors is not None or (paragraphs and signs(lines, i, self.continues)):
            # Under the headline or at the story's end, as many outlets sign
            # (there a name alone too, set apart: "Айгерим Сейткали").
            self.authors.extend(
                (signature_name(line.text),) if line.authors is None else line.authors
            )
        elif paragraphs and (
            self.continues[i - 1]
            or (not line.after_break and carries_on(line.text, paragraphs[-1][-1]))
        ):
            paragraphs[-1].append(line.text)
            self.cutter.add_text(line.text)
        else:
            paragraphs.append([line.text])
            self.cutter.add_text(line.text)
            self.prose = self.prose or not line.dateline

    def _story_text(self) -> str:
        """The text of the story being read, its headline first."""
        return " ".join([self.drafts[-1].title, *(" ".join(p) for p in self.paragraphs)])

    def _open(self, i: int) -> None:
        """Start a story at its headline, line ``i``."""
        drafts, line = self.drafts, self.lines[i]
        _finish(drafts, self.paragraphs, self.authors)
        if not drafts:
            self.first = i
        drafts.append(
            headline_draft(line.text, None if i + 1 in self.under else self.day, self.zone)
        )
        self.paragraphs, self.authors, self.prose = [], [], False
        signed = any(x.authors for x in self.lines[i + 1 : i + 3])
        self.cutter.open_story(line.text, signed=signed)


def _dates_story(prose: bool, paragraphs: list[list[str]], lines: list[Line], entry: Dated) -> bool:
    """Whether the date line ``entry`` dates the story being read: it has no
    prose yet, or only its standfirst and then its byline right above the date
    ("By Dana Omarova", "December 4, 2026"); or, anywhere in its text, the date
    says it is the story's update ("Updated: …", "Обновлено: …"), not set apart
    from that text (over the next headline, it is that story's stamp); or a
    stamp stands right under its text, set apart from what follows."""
    if not prose or (entry.when.updated and not entry.apart):
        return True
    at = entry.at
    if not entry.apart and (at == len(lines) or lines[at].blank):
        # Its stamp right under its text and set apart from what follows
        # ("…named after Turkmen poets", "12.03.2025 | 804 views", a blank line).
        return True
    return len(paragraphs) <= 1 and 0 < at <= len(lines) and lines[at - 1].authors is not None


def _headline(
    cutter: StoryCutter,
    lines: list[Line],
    i: int,
    under: set[int],
    *,
    first: bool,
    stamped: bool = False,
    apart: set[int] | frozenset[int] = frozenset(),
) -> bool:
    """Whether line ``i`` starts a story; ``first``: no story has started yet.
    A line over the page's date line with a headline under that ("Trend News
    Agency", "04.12.2026", then the first story) is the page's name."""
    if i >= len(lines) or is_meta(lines[i]):
        return False
    meta = [is_meta(x) for x in lines[i + 1 : i + 3]]
    # Its own stamp set apart right over it ("09:55", then the line) dates it
    # as a date line under it would.
    if not cutter.starts_story(
        i,
        lines[i].after_break,
        meta,
        dated=stamped or (i + 1 in under and i + 1 not in apart),
        after_date=i in under,
    ):
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
