"""Which article links the HTML pages show, and how.

Pages on silkfeed's own address must not present someone else's link as
silkfeed's: a headline links out only to an absolute http(s) URL with a host
(never a protocol-relative ``//host``, ``javascript:`` or a relative path, which
would resolve against silkfeed), the link carries ``rel="nofollow noopener
noreferrer ugc"``, and a link to another site shows that site's host next to
the headline. A link to silkfeed's own public address is shown as its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

OUTBOUND_REL = "nofollow noopener noreferrer ugc"


@dataclass(frozen=True, slots=True)
class Link:
    href: str
    host: str | None  # another site's host, shown beside the headline; None: our own


def shown_link(link: str | None, own_base: str) -> Link | None:
    """The link to show for ``link`` on a page of ``own_base``, or None for no link."""
    if not link or any(ch.isspace() or ord(ch) < 0x20 for ch in link):
        return None
    try:
        parts = urlsplit(link)
        own = urlsplit(own_base)
        _ = parts.port  # raises on a malformed port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if (parts.scheme, parts.netloc.lower()) == (own.scheme, own.netloc.lower()):
        return Link(link, None)
    return Link(link, parts.hostname)
