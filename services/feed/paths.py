"""Feed URLs and the documents they name, in one place for the app and its fast path.

/feeds/articles.atom               the subscription feed of every article
/feeds/tags/<tag>.rss              one country tag
/feeds/sources/<source>.json       one upstream source
/feeds/<…>/archive/<n>.atom        RFC 5005 archive page n (1 = oldest)
/feeds/rates.atom                  one entry per ticker snapshot
/feeds/rates/<BASE>-<QUOTE>.rss    one currency pair
/feeds/rates-moves.atom            notable moves only
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.feed.entries import FEED_RATE_MOVES, FeedSpec
from services.feed.render import FORMATS

_SLUG = r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}"
_FEED = re.compile(
    r"^/feeds/(?:"
    r"(?P<articles>articles)"
    rf"|tags/(?P<tag>{_SLUG})"
    rf"|sources/(?P<source>{_SLUG})"
    r"|(?P<rates>rates)"
    r"|rates/(?P<pair>[A-Z]{3}-[A-Z]{3})"
    r"|(?P<moves>rates-moves)"
    r")(?:/archive/(?P<page>[1-9][0-9]{0,8}))?\.(?P<fmt>atom|rss|json)$"
)


@dataclass(frozen=True, slots=True)
class FeedPath:
    spec: FeedSpec
    fmt: str
    archive_page: int | None = None


def parse_feed_path(path: str) -> FeedPath | None:
    """The document a URL path names, or None when it names none."""
    m = _FEED.match(path)
    if m is None:
        return None
    fmt = m["fmt"]
    assert fmt in FORMATS
    page = int(m["page"]) if m["page"] else None
    if m["articles"]:
        spec = FeedSpec.parse("articles")
    elif m["tag"]:
        spec = FeedSpec(f"tag:{m['tag']}", "tag", m["tag"])
    elif m["source"]:
        spec = FeedSpec(f"source:{m['source']}", "source", m["source"])
    elif m["pair"]:
        spec = FeedSpec(f"pair:{m['pair']}", "pair", m["pair"])
    elif m["moves"]:
        spec = FeedSpec.parse(FEED_RATE_MOVES)
    else:
        spec = FeedSpec.parse("rates")
    if page is not None and spec.kind not in ("articles", "tag", "source"):
        return None
    return FeedPath(spec, fmt, page)
