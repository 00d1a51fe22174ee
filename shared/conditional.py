"""Conditional GET (RFC 9110 §13): the validators of a body, and 200 or 304 from them.

The feed documents and the rates API's answers share these: one ETag formula, one
comparison.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# The Last-Modified of something with no date (an empty feed, a rates answer).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def strong_etag(body: bytes) -> str:
    """A strong ETag of exactly these bytes."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _etags(header: str) -> list[str]:
    return [t.strip().removeprefix("W/") for t in header.split(",") if t.strip()]


def not_modified(
    etag: str, last_modified: datetime, if_none_match: str | None, if_modified_since: str | None
) -> bool:
    """True when the client's copy is current.

    If-None-Match wins when present (weak comparison, as the RFC asks for this
    header); If-Modified-Since is then ignored. Otherwise the resource is not
    modified when it is not newer than the client's date.
    """
    if if_none_match is not None:
        tags = _etags(if_none_match)
        return "*" in tags or etag.removeprefix("W/") in tags
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError):
            return False
        if since is None or since.tzinfo is None:
            return False
        return last_modified.replace(microsecond=0) <= since
    return False
