"""Feed URLs and the documents they name: the URL grammar, and the keys and URLs built
from it, in one place for the worker, the app and its fast path.

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

from services.feed.catalog import has_archives
from services.feed.render import FORMATS
from shared import feed_names
from shared.feed_names import FeedSpec
from shared.settings import Settings

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
        spec = FeedSpec.articles()
    elif m["tag"]:
        spec = FeedSpec.tag(m["tag"])
    elif m["source"]:
        spec = FeedSpec.source(m["source"])
    elif m["pair"]:
        spec = FeedSpec.pair_named(m["pair"])
    elif m["moves"]:
        spec = FeedSpec.rate_moves()
    else:
        spec = FeedSpec.rates()
    if page is not None and not has_archives(spec):
        return None
    return FeedPath(spec, fmt, page)


def url_path(spec: FeedSpec) -> str:
    """The URL path of a feed without the format suffix."""
    if spec.kind == feed_names.TAG:
        return f"/feeds/tags/{spec.value}"
    if spec.kind == feed_names.SOURCE:
        return f"/feeds/sources/{spec.value}"
    if spec.kind == feed_names.PAIR:
        return f"/feeds/rates/{spec.value}"
    return f"/feeds/{spec.kind}"


def feed_url(settings: Settings, spec: FeedSpec, fmt: str) -> str:
    return f"{settings.base_url}{url_path(spec)}.{fmt}"


def archive_url(settings: Settings, spec: FeedSpec, page: int, fmt: str) -> str:
    return f"{settings.base_url}{url_path(spec)}/archive/{page}.{fmt}"


# The keys stored documents are found by (rendered_feeds.key, the web processes' memory).
def feed_key(spec: FeedSpec, fmt: str) -> str:
    return f"{spec.name}.{fmt}"


def archive_key(spec: FeedSpec, page: int, fmt: str) -> str:
    return f"{spec.name}/archive/{page}.{fmt}"


def query_key(spec: FeedSpec, fmt: str, suffix: str) -> str:
    return f"{spec.name}.{fmt}?{suffix}" if suffix else feed_key(spec, fmt)
