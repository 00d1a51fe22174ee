"""What the parser produces: plain, immutable values with no database in sight."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from shared.quotes import Quote

__all__ = ["ParseError", "ParsedArticle", "ParsedPage", "Quote"]


class ParseError(ValueError):
    """The page cannot be read at all; the message says why, for the submitter."""


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    title: str
    paragraphs: tuple[str, ...]
    url: str | None = None
    published: datetime | None = None
    tags: tuple[str, ...] = field(default=())
    authors: tuple[str, ...] = field(default=())
    modified: datetime | None = None


@dataclass(frozen=True, slots=True)
class ParsedPage:
    page_date: date | None
    articles: tuple[ParsedArticle, ...]
    quotes: tuple[Quote, ...]
