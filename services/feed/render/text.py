"""Plain-text clean-up shared by every feed format."""

from __future__ import annotations

import re

# Everything outside the XML 1.0 `Char` production: C0 controls other than
# tab/newline/carriage return, lone surrogates, and U+FFFE/U+FFFF. lxml refuses
# such strings outright, and a JSON Feed that carries them would not survive a
# round trip through an XML-based reader, so every format drops them alike.
XML_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """Return ``text`` without the characters XML 1.0 forbids."""
    # Every forbidden character is unprintable, and most text is all printable:
    # that is told by one pass in C, without the expression.
    if text.isprintable():
        return text
    return XML_FORBIDDEN.sub("", text)


def is_xml_safe(text: str) -> bool:
    """Whether ``text`` holds no character XML 1.0 forbids."""
    return text.isprintable() or XML_FORBIDDEN.search(text) is None


def one_line(text: str) -> str:
    """XML-safe ``text`` with every whitespace run collapsed to one space.

    Titles, tags and names are shown on a single line by feed readers; stray
    newlines and tabs from scraping would otherwise render as odd gaps.
    """
    return " ".join(xml_safe(text).split())


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters."""
    flat = one_line(text)
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    head, space, _ = cut.rpartition(" ")
    return (head if space and head else cut).rstrip() + "…"
