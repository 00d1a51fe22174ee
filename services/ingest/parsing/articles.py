"""Building finished articles, the same way whichever format they came in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from .clean import squash_space
from .dates import MAX_DATE_LINE, parse_date_line
from .model import ParsedArticle
from .tags import detect_countries, merge_tags
from .ticker import is_ticker_line


def is_page_furniture(text: str) -> bool:
    """Ticker and date lines belong to the page, never to an article's text."""
    # Cheap gates first: this runs for every paragraph of every page.
    if "=" in text and is_ticker_line(text):
        return True
    return len(text) <= MAX_DATE_LINE and parse_date_line(text) is not None


def build_article(
    title: str,
    paragraphs: Iterable[str],
    *,
    url: str | None = None,
    published: datetime | None = None,
    extra_tags: Iterable[str] = (),
) -> ParsedArticle | None:
    """An article from raw title and paragraph text, or ``None`` if nothing is left.

    Whitespace is normalised here so that the text, HTML and JSON forms of one
    page give identical articles.
    """
    title = squash_space(title)
    if not title or is_page_furniture(title):
        return None
    body = []
    for paragraph in paragraphs:
        paragraph = squash_space(paragraph)
        if paragraph and not is_page_furniture(paragraph):
            body.append(paragraph)
    tags = detect_countries([title, *body])
    if extra_tags:
        tags = merge_tags(tags, extra_tags)
    return ParsedArticle(
        title=title,
        paragraphs=tuple(body),
        url=url,
        published=published,
        tags=tags,
    )
