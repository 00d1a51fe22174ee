"""Plain-text pages made of labelled records: a feed or a content system's
export printed as text, each story a run of "Field: value" lines ("Title: …",
"Link: …", "Published: …", "Author: …", then "Description:" and its text), as
RSS-to-text dumps print their items. Read field by field, not line by line as
prose: the labels are no headlines and the fields no paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from .articles import Draft, build_articles
from .chrome_lines import KIND as CHROME_LINES
from .chrome_lines import is_chrome_line
from .dates import read_date_line
from .html_byline import author_names
from .model import ParsedPage
from .notes import Notes
from .structured import http_url
from .text_dates import iso_stamp

# A field's line: its name (a namespace may lead it: "dc:creator",
# "channel.title"; a few words at most: "Last build date"), a colon, its value.
_FIELD = re.compile(
    r"(?P<name>[^\W\d_][\w]*(?:[:.][^\W\d_][\w]*)?(?:\s[^\W\d_][\w]*){0,2})\s*:(?:\s+(?P<value>.*))?"
)
# The field names each part of a story is given by, lower-cased, without a namespace.
_TITLE = frozenset({"title", "headline", "заголовок", "название"})
_LINK = frozenset({"link", "url", "guid", "ссылка"})
_DATE = frozenset(
    {
        "pubdate", "pub date", "published", "published_at", "publish_date", "date_published",
        "date", "дата", "опубликовано", "дата публикации",
    }
)  # fmt: skip
_AUTHOR = frozenset({"author", "creator", "byline", "автор", "авторы"})
_BODY = frozenset(
    {"description", "content", "encoded", "body", "text", "summary", "описание", "текст"}
)
# The page's own date among the fields before its first record.
_PAGE_DATE = _DATE | {
    "last build date", "lastbuilddate", "updated", "обновлено", "generated", "exported",
    "сформировано", "создано",
}  # fmt: skip
# Fields a record or the feed carries that are no part of a story's text.
_OTHER = frozenset(
    {"category", "categories", "tags", "рубрика", "категория", "language", "язык", "channel"}
)
_KNOWN = _TITLE | _LINK | _DATE | _AUTHOR | _BODY | _PAGE_DATE | _OTHER
# A record's frame: "[item]", "[/item]", "=== Item 2 of 3 ===", "--- RSS ---".
_FRAME = re.compile(r"[\[<=\-*#~_]+[^\[\]<>]{0,40}[\]>=\-*#~_]+")
# A page is read so with this many records at least, each with a title and
# another part of a story (its link, date, author or text).
MIN_RECORDS = 2
FEED_FIELDS = "feed and record fields"
# The first letters of a title field's line: its name's ("Title", "Заголовок",
# "headline", "название") or its namespace's ("channel.title", "item.title").
TITLE_INITIALS = frozenset("TtHhЗзНнCcIi")
_FIELD_NAME_CHARS = 24


@dataclass(slots=True)
class _Record:
    title: str
    url: str | None = None
    published: datetime | None = None
    authors: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    parts: int = 0  # the story's parts besides its title


def _field(line: str) -> tuple[str, str] | None:
    """The known field ``line`` sets, its name lower-cased without a namespace,
    and its value; None for any other line."""
    match = _FIELD.fullmatch(line.lstrip("# ") if line[:1] == "#" else line)
    if match is None:
        return None
    name = re.split(r"[:.]", match["name"].lower())[-1]
    if name not in _KNOWN and match["name"].lower() not in _KNOWN:
        return None
    return (name if name in _KNOWN else match["name"].lower()), (match["value"] or "").strip()


def _when(value: str) -> datetime | None:
    """The instant a record's date field states: RFC 822 (as RSS writes it),
    ISO 8601, or a date line's shapes."""
    if not value:
        return None
    try:
        stated = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        stated = None
    if stated is not None:
        return (stated if stated.tzinfo else stated.replace(tzinfo=UTC)).astimezone(UTC)
    line = iso_stamp(value) or read_date_line(value)
    return None if line is None else line.at


def _outlet(channel: str) -> str:
    """The outlet's name a feed's title leads with ("Caspian Trend - Business")."""
    return re.split(r"\s+[-–—|:]\s+", channel, maxsplit=1)[0].strip().casefold()


class _Reader:
    def __init__(self) -> None:
        self.records: list[_Record] = []
        self.notes = Notes()
        self.channel = ""  # the feed's title, before the first record
        self.page_day: date | None = None
        self.in_body = False

    def read(self, rows: list[str]) -> None:
        paragraph: list[str] = []
        for raw in rows:
            line = raw.strip()
            if not line:
                self._end_paragraph(paragraph)
                continue
            found = _field(line)
            if found is None and _FRAME.fullmatch(line) is not None:
                self._end_paragraph(paragraph)
                self.in_body = False
                self.notes.add(FEED_FIELDS, line)
            elif found is not None:
                self._end_paragraph(paragraph)
                self._set(*found, line)
            elif self.in_body and self.records:
                # A heading in Markdown ("## Прогноз регулятора") without its marks.
                paragraph.append(line.lstrip("#").strip() if line[0] == "#" else line)
            else:
                self.notes.add(FEED_FIELDS, line)
        self._end_paragraph(paragraph)

    def _set(self, name: str, value: str, line: str) -> None:
        self.in_body = False
        if name in _TITLE and value:
            if line[:7].lower() == "channel":  # "channel.title: …": the feed's
                self.channel = self.channel or value
                self.notes.add(FEED_FIELDS, line)
            else:
                self.records.append(_Record(value))
            return
        record = self.records[-1] if self.records else None
        if record is None:
            # The feed's own fields: its name, its date.
            if name == "channel" or name in _TITLE:
                self.channel = self.channel or value
            elif name in _PAGE_DATE and self.page_day is None:
                when = _when(value)
                self.page_day = when.date() if when is not None else None
            self.notes.add(FEED_FIELDS, line)
            return
        if name in _BODY:
            record.parts += 1
            self.in_body = True
            if value:
                record.body.append(value)
        elif name in _LINK and record.url is None:
            record.url = http_url(value)
            record.parts += 1
        elif name in _DATE and record.published is None:
            record.published = _when(value)
            record.parts += 1
        elif name in _AUTHOR:
            record.parts += 1
            if value and _outlet(value) != _outlet(self.channel):
                record.authors.extend(n for n in author_names(value) if n not in record.authors)
        else:
            self.notes.add(FEED_FIELDS, line)

    def _end_paragraph(self, paragraph: list[str]) -> None:
        if paragraph:
            self.records[-1].body.append(" ".join(paragraph))
            paragraph.clear()


def is_title_field(line: str) -> bool:
    """Whether ``line`` (stripped) is a record's title field ("Title: …",
    "channel.title: …"): told first by its initial and a colon near its start,
    so that a page's lines cost a set lookup each."""
    return (
        line[0] in TITLE_INITIALS
        and ":" in line[:_FIELD_NAME_CHARS]
        and (found := _field(line)) is not None
        and found[0] in _TITLE
    )


def records_page(rows: list[str]) -> ParsedPage | None:
    """The page ``rows`` make when they are labelled records (at least
    ``MIN_RECORDS`` title fields, as ``is_title_field`` counts them, is the
    caller's first test); None otherwise."""
    reader = _Reader()
    reader.read(rows)
    records = [record for record in reader.records if record.parts]
    if len(records) < MIN_RECORDS:
        return None
    drafts = []
    for record in records:
        body = []
        for text in record.body:
            if is_chrome_line(text):
                reader.notes.add(CHROME_LINES, text)
            else:
                body.append(text)
        drafts.append(
            Draft(
                record.title,
                body,
                url=record.url,
                published=record.published,
                authors=tuple(record.authors),
            )
        )
    return ParsedPage(
        page_date=reader.page_day,
        articles=build_articles(drafts),
        quotes=(),
        diagnostics=reader.notes.diagnostics(),
    )
