"""Who is asking: a browser gets a readable page, a feed reader gets the feed."""

from __future__ import annotations

FEED_TYPES = (
    "application/atom+xml",
    "application/rss+xml",
    "application/feed+json",
    "application/json",
    "application/xml",
    "text/xml",
)


def _quality(accept: str, media_type: str) -> float:
    best = 0.0
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        if fields[0].lower() != media_type:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        best = max(best, q)
    return best


def wants_html(accept: str | None) -> bool:
    """True for a browser: HTML preferred over every feed and XML type.

    Feed readers name feed types or send */*, so they always get the feed;
    browsers send text/html first and XML at q=0.9.
    """
    if not accept or "text/html" not in accept:
        return False
    html = _quality(accept, "text/html")
    return html > 0 and all(_quality(accept, t) < html for t in FEED_TYPES)
