"""Where each RFC 5005 archive page of an article feed ends, fixed once, by key.

An archive page is rendered once and never again, so its bounds must never
move: they were positions (OFFSET over the feed's entries as they are now),
and an article leaving a tag moved every later entry of the tag one place
back (one then fell between two stored pages), one joining it one place on
(one showed on two). A page is now cut, when it has filled, at the key of its
last entry (``entries.feed_key``: when the entry joined the feed), and holds
the entries keyed after the previous page's cut up to its own. Entries joining
a feed later come after every cut (their keys are new), and one leaving it
takes nothing from any other page.

A cut is written in the transaction of the render that makes it, so a stored
document never names a page whose bounds were not stored with it; two renders
cutting the same page together keep the first one's (the primary key).
"""

from __future__ import annotations

from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.feed.entries import every_nth_key
from shared.feed_names import FeedSpec
from shared.models import ArchiveCut

_CUTS = ArchiveCut.__table__
_LAST = (
    select(_CUTS.c.page, _CUTS.c.last_key)
    .where(_CUTS.c.feed == bindparam("feed"))
    .order_by(_CUTS.c.page.desc())
    .limit(1)
)
_BOUNDS = select(_CUTS.c.page, _CUTS.c.last_key).where(
    _CUTS.c.feed == bindparam("feed"),
    _CUTS.c.page.in_([bindparam("before"), bindparam("page")]),
)
_INSERT = insert(_CUTS)


def _last_cut(session: Session, spec: FeedSpec) -> tuple[int, int]:
    """The feed's last cut page and its last key; (0, 0) before any."""
    row = session.connection().execute(_LAST, {"feed": spec.name}).first()
    return (0, 0) if row is None else (int(row.page), int(row.last_key))


def cut_pages(session: Session, spec: FeedSpec, page_size: int) -> int:
    """How many archive pages the feed has, cutting those filled since the last cut
    (written in the session's transaction, committed with the render)."""
    pages, last = _last_cut(session, spec)
    keys = every_nth_key(session, spec, last, page_size)
    if not keys:
        return pages
    rows = [
        {"feed": spec.name, "page": pages + n, "last_key": key}
        for n, key in enumerate(keys, start=1)
    ]
    try:
        with session.begin_nested():
            session.connection().execute(_INSERT, rows)
    except IntegrityError:
        # Another render cut them a moment ago, from the entries it read: its stand.
        return _last_cut(session, spec)[0]
    return pages + len(keys)


def page_bounds(session: Session, spec: FeedSpec, page: int) -> tuple[int, int] | None:
    """Archive page ``page``'s entries are keyed above the first and up to the second;
    None for a page not cut."""
    rows = session.connection().execute(
        _BOUNDS, {"feed": spec.name, "before": page - 1, "page": page}
    )
    found = {int(row.page): int(row.last_key) for row in rows}
    if page not in found:
        return None
    return found.get(page - 1, 0), found[page]
