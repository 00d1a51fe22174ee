"""Reading posted news pages: articles, the page date and the currency ticker.

Plain functions over bytes, with no server or database: ``parse_page`` is the
one entry point, and anything it cannot read raises ``ParseError`` with a
message meant for the submitter.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from .compiled import use_current_sources

# Before any of the compiled modules is imported (see compiled.py).
use_current_sources()

from .ceiling import collector_paused
from .clean import clean_utf8_tags, decode_body
from .html import parse_html
from .jsondoc import (
    SchemaError,
    checked_json_document,
    page_json_schema,
    parse_json,
    validate_json_document,
)
from .language import with_detected_languages
from .model import ParsedArticle, ParsedPage, ParseError, Quote
from .text import parse_text
from .zone_words import page_zone

__all__ = [
    "ParseError",
    "ParsedArticle",
    "ParsedPage",
    "Quote",
    "SchemaError",
    "checked_json_document",
    "is_json_media_type",
    "page_json_schema",
    "parse_page",
    "validate_json_document",
]

MEDIA_TYPES = ("text/plain", "text/html", "application/json")


def parse_page(
    body: bytes, media_type: str, received: datetime | None = None, zone: tzinfo | None = None
) -> ParsedPage:
    """Parse a posted page of ``media_type`` (text/plain, text/html or application/json).

    ``received``: when the page was received, which a text page or an HTML
    front page's cards that state no date count "Today" and "Yesterday" from.
    ``zone``: the zone the page's printed times that name none are in, and
    the day "Today" is counted in (None: UTC); a zone the page names wins.
    Raises ``ParseError`` (``SchemaError`` for JSON that breaks the schema)
    when the page cannot be read; an empty page or one without articles is
    not an error.
    """
    with collector_paused(), page_zone(zone):
        return with_detected_languages(_parse(body, media_type, received))


def is_json_media_type(media_type: str) -> bool:
    """Whether a page of ``media_type`` is a JSON document (its values are fields)."""
    kind = media_type.split(";", 1)[0].strip().lower()
    if kind == "application/json":
        return True
    return kind.startswith("application/") and kind.endswith("+json")


def _parse(body: bytes, media_type: str, received: datetime | None) -> ParsedPage:
    kind = media_type.split(";", 1)[0].strip().lower()
    if kind == "text/plain":
        return parse_text(decode_body(body), received)
    if kind in ("text/html", "application/xhtml+xml"):
        return parse_html(*clean_utf8_tags(body), received)
    if is_json_media_type(kind):
        return parse_json(body)
    raise ParseError(f"unsupported media type {media_type!r}: send one of {', '.join(MEDIA_TYPES)}")
