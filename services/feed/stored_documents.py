"""Stored subscription documents: their validators looked up, their bytes written.

The feed worker's renders and a reader's first request both write here
(``services.feed.publish``); the rows are ``RenderedFeed``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.orm import Session

from services.feed.paths import feed_key
from services.feed.render import FORMATS, MEDIA_TYPES
from shared.changes import ChangedDocument
from shared.conditional import strong_etag
from shared.db import utcnow
from shared.feed_names import FeedSpec
from shared.models import RenderedFeed


class Stored(NamedTuple):
    """What a render compares with: a stored document's validators and coverage."""

    etag: str
    last_modified: datetime
    as_of: datetime


_TABLE = RenderedFeed.__table__
_BODY_COLUMNS = ("as_of", "content_type", "body", "etag", "last_modified", "rendered_at")
_STORED = select(
    RenderedFeed.key, RenderedFeed.etag, RenderedFeed.last_modified, RenderedFeed.as_of
).where(RenderedFeed.key.in_(bindparam("keys", expanding=True)))


def stored_documents(session: Session, keys: list[str]) -> dict[str, Stored]:
    """The stored documents of these keys, without their bytes."""
    # On the session's connection: plain rows, without the ORM's result handling.
    rows = session.connection().execute(_STORED, {"keys": keys})
    return {key: Stored(etag, modified, as_of) for key, etag, modified, as_of in rows}


def stored_by_feed(session: Session, names: list[str]) -> dict[str, dict[str, Stored]]:
    """The stored subscription documents of these feeds (one query), by feed name;
    a feed with none is left out."""
    keys = {feed_key(FeedSpec.parse(name), fmt): name for name in names for fmt in FORMATS}
    found: dict[str, dict[str, Stored]] = {}
    for key, row in stored_documents(session, list(keys)).items():
        found.setdefault(keys[key], {})[key] = row
    return found


# Plain statements on the session's connection, built once: the ORM's bulk
# path, or building an UPDATE per document, costs more than the write.
# A render never stores over one that read the database later (two writers at
# once: a renderer whose lock expired, web processes rendering without Redis).
_WHERE_KEY = (_TABLE.c.key == bindparam("document_key")) & (_TABLE.c.as_of <= bindparam("as_of"))
_SET_AS_OF = update(_TABLE).where(_WHERE_KEY).values(as_of=bindparam("as_of"))
_SET_BODY = (
    update(_TABLE).where(_WHERE_KEY).values({name: bindparam(name) for name in _BODY_COLUMNS})
)


def store_documents(
    session: Session,
    documents: dict[str, tuple[str, bytes]],
    newest: datetime,
    as_of: datetime,
    stored: dict[str, Stored],
    written: list[ChangedDocument] | None = None,
) -> list[str]:
    """Store renders (key -> (format, bytes)) over what ``stored_documents`` read;
    the keys whose bytes changed.

    The validators change exactly when the bytes do. No stored row is loaded,
    unchanged bytes are not written again, and the documents of one render are
    written in one statement per kind of change.

    ``written``: given, the new bytes stored over a row are added to it, once
    the database has counted every row written (none when a render that read
    the database later holds some row: see ``_WHERE_KEY``); they are the
    caller's to announce after the commit.
    """
    changed, bodies, dates = [], [], []
    for key, (fmt, body) in documents.items():
        etag = strong_etag(body)
        last_modified = newest.replace(microsecond=0)
        before = stored.get(key)
        if before is None:
            session.add(
                RenderedFeed(
                    key=key,
                    content_type=MEDIA_TYPES[fmt],
                    body=body,
                    etag=etag,
                    last_modified=last_modified,
                    as_of=as_of,
                    rendered_at=utcnow(),
                )
            )
            changed.append(key)
        elif before.etag == etag:
            dates.append({"document_key": key, "as_of": as_of})
        else:
            # HTTP dates have whole seconds: new bytes must still carry a newer date.
            if last_modified <= before.last_modified:
                last_modified = before.last_modified + timedelta(seconds=1)
            values = (as_of, MEDIA_TYPES[fmt], body, etag, last_modified, utcnow())
            bodies.append({"document_key": key, **dict(zip(_BODY_COLUMNS, values, strict=True))})
            changed.append(key)
    connection = session.connection()
    if bodies:
        count = connection.execute(_SET_BODY, bodies).rowcount
        if written is not None and _all_written(connection, bodies, count):
            written += [_changed(row) for row in bodies]
    if dates:
        connection.execute(_SET_AS_OF, dates)
    return changed


def _all_written(connection: Connection, bodies: list[dict[str, Any]], count: int) -> bool:
    # A key names one row: as many rows as documents means each was written.
    sane = len(bodies) == 1 or connection.dialect.supports_sane_multi_rowcount
    return sane and count == len(bodies)


def _changed(row: dict[str, Any]) -> ChangedDocument:
    return ChangedDocument(
        key=row["document_key"],
        content_type=row["content_type"],
        body=row["body"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        rendered_at=row["rendered_at"],
        as_of=row["as_of"],
    )
