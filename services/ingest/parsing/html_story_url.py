"""A front page's story link: the address its headline links to."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborNode

from .clean import strip_forbidden
from .html_tree import heading_link

_URL_SCHEMES = frozenset({"", "http", "https"})


def story_url(heading: LexborNode, base: Callable[[], str | None]) -> str | None:
    """The address ``heading`` (a heading, or a card's title link) links to,
    made absolute by ``base()``, the page's <base href>, when relative."""
    link = heading if heading.tag == "a" else heading_link(heading)
    if link is None:
        return None
    href = strip_forbidden(link.attributes.get("href") or "").strip()
    if not href or href.startswith("#"):
        return None
    try:
        scheme = urlsplit(href).scheme
        if not scheme and (page_base := base()):
            # Only a relative link needs the page's base (kept as published
            # without one).
            href = urljoin(page_base, href)
            scheme = urlsplit(href).scheme
    except ValueError:
        return None
    # javascript: and data: links are not article addresses, and a feed
    # reader must never be handed one.
    return href if scheme.lower() in _URL_SCHEMES else None
