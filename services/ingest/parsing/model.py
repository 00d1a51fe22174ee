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
    # Its primary language subtag ("ru"), as the page declares it or its letters
    # tell (``language``); None when neither does.
    language: str | None = None


@dataclass(frozen=True, slots=True)
class LeftOutKind:
    """Text of one kind that went into no article: how much, and what it looked like."""

    kind: str
    blocks: int
    chars: int
    sample: str


@dataclass(frozen=True, slots=True)
class Diagnostics:
    """What the submitter should know: text left out, by kind, and warnings."""

    left_out: tuple[LeftOutKind, ...] = ()
    warnings: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "left_out": {
                "blocks": sum(item.blocks for item in self.left_out),
                "chars": sum(item.chars for item in self.left_out),
                "kinds": [
                    {"kind": i.kind, "blocks": i.blocks, "chars": i.chars, "sample": i.sample}
                    for i in self.left_out
                ],
            },
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True, slots=True)
class ParsedPage:
    page_date: date | None
    articles: tuple[ParsedArticle, ...]
    quotes: tuple[Quote, ...]
    # Not part of what the page says, so two readings of one page compare equal.
    diagnostics: Diagnostics = field(default=Diagnostics(), compare=False)
