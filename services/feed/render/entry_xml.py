"""An article's Atom ``<entry>`` and RSS ``<item>`` written as text, without feedgen.

Setting up feedgen's objects and lxml's tree costs far more than the few
hundred bytes an entry is, and the feed worker makes the fragments of every
new entry. These functions write the very bytes ``xmlfeed.add_entries``
has feedgen and lxml write for an entry: the same elements in the same order,
escaped as libxml2 escapes text and attributes. The tests compare the two for
every kind of text (``tests/services/feed/render/test_entry_xml.py``).

They answer None where they do not promise that: an entry with RSS item
extensions (written by their own lxml code), an empty value (feedgen leaves
the element out or empties it), a character XML forbids (lxml refuses it).
The caller then renders the entry the usual way.
"""

from __future__ import annotations

import html
from datetime import datetime

from feedgen.util import formatRFC2822

from .prepare import PreparedEntry
from .text import is_xml_safe

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _text(value: str) -> str:
    # libxml2 escapes a carriage return in text too: it would not survive parsing.
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace("\r", "&#13;") if "\r" in value else value


def _attribute(value: str) -> str:
    value = _text(value).replace('"', "&quot;")
    if "\t" in value or "\n" in value:
        value = value.replace("\t", "&#9;").replace("\n", "&#10;")
    return value


def rfc2822(value: datetime) -> str:
    """``feedgen.util.formatRFC2822`` (C locale names) without switching the locale."""
    if not 1000 <= value.year <= 9999:  # strftime writes such years its own way
        return formatRFC2822(value)
    offset = value.strftime("%z")
    return (
        f"{_DAYS[value.weekday()]}, {value.day:02d} {_MONTHS[value.month - 1]} {value.year} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d} {offset}"
    )


def _writable(item: PreparedEntry) -> bool:
    if item.rss_extensions:
        return False
    texts = (item.guid, item.title, item.summary, item.content_html, *item.tags)
    if not all(texts) or not all(item.authors) or item.link == "":
        return False
    extra = (*item.authors, item.link or "")
    return all(map(is_xml_safe, (*texts, *extra)))


def entry_xml(item: PreparedEntry) -> tuple[bytes, bytes] | None:
    """The entry's Atom and RSS fragments, or None where feedgen must write them."""
    if not _writable(item):
        return None
    guid, title, content = _text(item.guid), _text(item.title), _text(item.content_html)
    authors = [_text(name) for name in item.authors]
    published = item.published.isoformat()
    atom = [f"<entry><id>{guid}</id><title>{title}</title>"]
    atom.append(f"<updated>{item.updated.isoformat()}</updated>")
    atom += [f"<author><name>{name}</name></author>" for name in authors]
    atom.append(f'<content type="html">{content}</content>')
    atom.append(f'<summary type="text">{_text(item.summary)}</summary>')
    atom += [f'<category term="{_attribute(tag)}"/>' for tag in item.tags]
    atom.append(f"<published>{published}</published>")
    if item.link:
        atom.append(f'<link href="{_attribute(item.link)}" rel="alternate" type="text/html"/>')
    atom.append("</entry>")
    rss = [f"<item><title>{title}</title>"]
    if item.link:
        rss.append(f"<link>{_text(item.link)}</link>")
    # The description is the summary as HTML (see ``xmlfeed.add_entries``).
    description = _text(html.escape(item.summary, quote=False))
    rss.append(f"<description>{description}</description>")
    rss.append(f"<content:encoded>{content}</content:encoded>")
    rss.append(f'<guid isPermaLink="false">{guid}</guid>')
    rss += [f"<category>{_text(tag)}</category>" for tag in item.tags]
    rss.append(f"<pubDate>{rfc2822(item.published)}</pubDate>")
    rss += [f"<dc:creator>{name}</dc:creator>" for name in authors]
    rss.append("</item>")
    return "".join(atom).encode(), "".join(rss).encode()
