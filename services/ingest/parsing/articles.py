"""Building finished articles, the same way whichever format they came in."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from .clean import squash_space
from .dates import MAX_DATE_LINE, is_date_line
from .model import ParsedArticle
from .tags import countries_by_article, merge_tags
from .ticker import parse_ticker_line


def is_page_furniture(text: str) -> bool:
    """Ticker and date lines belong to the page, never to an article's text,
    nor does a date line with a story's counts after it ("04.12.2026 16:20 5 614
    12": its views and comments)."""
    # Cheap gates first: this runs for every paragraph of every page.
    if "/" in text and parse_ticker_line(text) is not None:
        return True  # pairs alone, or beside another instrument ("Brent 71.84")
    if len(text) <= MAX_DATE_LINE and is_date_line(text):
        return True
    if len(text) > _MAX_COUNTED_STAMP or not text[-1:].isdigit():
        return False
    counts = _TRAILING_COUNTS.search(text)
    return counts is not None and is_date_line(text[: counts.start()])


# A date line's counts after it: numbers alone, grouped by spaces.
_TRAILING_COUNTS = re.compile(r"(?:\s+\d{1,3}(?:[\u00a0\u202f ]\d{3})*){1,3}$")
_MAX_COUNTED_STAMP = MAX_DATE_LINE + 30


@dataclass(slots=True)
class Draft:
    """An article as found in a page, before its text is normalised and tagged."""

    title: str
    paragraphs: Sequence[str]
    url: str | None = None
    published: datetime | None = None
    extra_tags: Sequence[str] = ()
    authors: tuple[str, ...] = ()
    modified: datetime | None = None
    language: str | None = None  # as the page declares it (normalised)
    # Its paragraphs are squashed already (blocks' texts and their stripped
    # pieces): squashing them again would change nothing.
    squashed: bool = False


def build_articles(
    drafts: Iterable[Draft], *, require_paragraphs: bool = False
) -> tuple[ParsedArticle, ...]:
    """Finished articles from drafts, dropping those with nothing left.

    Whitespace is normalised here so that the text, HTML and JSON forms of one
    page give identical articles. Ticker and date lines never reach a title or
    a paragraph. Tags are found for the whole page at once (see
    ``countries_by_article``).
    """
    kept: list[tuple[Draft, str, list[str]]] = []
    for draft in drafts:
        title = squash_space(draft.title)
        if not title or is_page_furniture(title):
            continue
        body = []
        paragraphs = draft.paragraphs if draft.squashed else map(squash_space, draft.paragraphs)
        for paragraph in paragraphs:
            if paragraph and not is_page_furniture(paragraph):
                body.append(paragraph)
        if body or not require_paragraphs:
            kept.append((draft, title, body))
    countries = countries_by_article([[title, *body] for _, title, body in kept])
    return tuple(
        ParsedArticle(
            title=title,
            paragraphs=tuple(body),
            url=draft.url,
            published=draft.published,
            authors=draft.authors,
            modified=draft.modified,
            language=draft.language,
            tags=merge_tags(tags, draft.extra_tags) if draft.extra_tags else tags,
        )
        for (draft, title, body), tags in zip(kept, countries, strict=True)
    )
