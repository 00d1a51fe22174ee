"""Entry HTML: paragraphs become escaped ``<p>`` elements, then a sanitiser pass."""

from __future__ import annotations

import html
from collections.abc import Sequence

import nh3

from .text import xml_safe

ALLOWED_TAGS = frozenset(
    {"p", "a", "em", "strong", "blockquote", "ul", "ol", "li", "br", "code", "pre"}
)
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {"a": frozenset({"href", "title"})}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Removed together with their text: what sits inside them is code, not prose.
CLEAN_CONTENT_TAGS = frozenset({"script", "style"})


# Built once: ``nh3.clean`` builds its sanitiser from the options on every call,
# which cost more than cleaning an entry's few kilobytes.
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(CLEAN_CONTENT_TAGS),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    strip_comments=True,
    link_rel="noopener noreferrer nofollow",
)


def sanitize_html(markup: str) -> str:
    """Reduce ``markup`` to the allow-list: no scripts, event handlers or unsafe URLs."""
    return _CLEANER.clean(xml_safe(markup))


def content_html(paragraphs: Sequence[str]) -> str:
    """One ``<p>`` per non-blank paragraph, its text escaped, the whole sanitised.

    The text is escaped first, so markup inside a paragraph is shown as text
    and never becomes an element; the sanitiser pass is the second line of
    defence in case a caller ever hands over HTML instead of text.
    """
    parts = []
    for paragraph in paragraphs:
        text = xml_safe(paragraph).strip()
        if text:
            parts.append(f"<p>{html.escape(text, quote=False)}</p>")
    if not parts:
        return ""
    # Each paragraph is XML-safe already and escaping adds only ASCII: the
    # whole needs no second look for forbidden characters (``sanitize_html``'s).
    return _CLEANER.clean("".join(parts))
