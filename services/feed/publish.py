"""Rendering a feed document once and storing its bytes and validators.

The feed worker calls ``refresh`` when content changes; the web app calls
``ensure_rendered`` for a feed nobody has asked for yet. Requests only ever
serve what is stored here.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.feed.entries import EPOCH, RATE_KINDS, FeedSpec, article_entries, feed_exists
from services.feed.rate_feeds import rate_feed_entries
from services.feed.render import FORMATS, MEDIA_TYPES, render_formats
from services.feed.render.model import FeedMeta
from shared.db import utcnow
from shared.models import RenderedFeed
from shared.settings import Settings

log = logging.getLogger(__name__)


def feed_key(spec: FeedSpec, fmt: str) -> str:
    return f"{spec.name}.{fmt}"


def feed_meta(settings: Settings, spec: FeedSpec, fmt: str, newest: datetime) -> FeedMeta:
    base = settings.base_url
    return FeedMeta(
        feed_id=f"{base}{spec.path}",
        title=spec.title,
        subtitle="News and currency tickers from Central Asia, as published.",
        self_url=f"{base}{spec.path}.{fmt}",
        html_url=f"{base}/",
        updated=newest,
        ttl_minutes=max(1, settings.feed_max_age // 60),
        alternates=tuple(
            (MEDIA_TYPES[f].split(";")[0], f"{base}{spec.path}.{f}") for f in FORMATS
        ),
    )


def build_documents(
    session: Session, settings: Settings, spec: FeedSpec
) -> tuple[dict[str, bytes], datetime]:
    """Render one feed in every format from one read; returns bytes and newest update."""
    base = settings.base_url
    limit = settings.feed_page_size
    if spec.kind in RATE_KINDS:
        entries = rate_feed_entries(session, spec, base, limit)
    else:
        entries = article_entries(session, spec, base, limit)
    newest = max((e.updated for e in entries), default=EPOCH)
    metas = {fmt: feed_meta(settings, spec, fmt, newest) for fmt in FORMATS}
    return render_formats(metas, entries), newest


def store_document(
    session: Session, key: str, fmt: str, body: bytes, newest: datetime, as_of: datetime
) -> RenderedFeed:
    """Store a render; the validators change exactly when the bytes do."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    row = session.get(RenderedFeed, key)
    last_modified = newest.replace(microsecond=0)
    if row is None:
        row = RenderedFeed(
            key=key,
            content_type=MEDIA_TYPES[fmt],
            body=body,
            etag=etag,
            last_modified=last_modified,
            as_of=as_of,
            rendered_at=utcnow(),
        )
        session.add(row)
        return row
    row.as_of = as_of
    if row.etag == etag:
        return row
    # HTTP dates have whole seconds: new bytes must still carry a newer date.
    if last_modified <= row.last_modified:
        last_modified = row.last_modified + timedelta(seconds=1)
    row.body, row.etag, row.last_modified = body, etag, last_modified
    row.content_type = MEDIA_TYPES[fmt]
    row.rendered_at = utcnow()
    return row


def render_and_store(session: Session, settings: Settings, spec: FeedSpec) -> int:
    """Render every format of one feed and store them; commits. Returns formats changed."""
    as_of = utcnow()
    documents, newest = build_documents(session, settings, spec)
    changed = 0
    for fmt, body in documents.items():
        key = feed_key(spec, fmt)
        before = session.get(RenderedFeed, key)
        old_etag = before.etag if before is not None else None
        row = store_document(session, key, fmt, body, newest, as_of)
        changed += row.etag != old_etag
    session.commit()
    return changed


def refresh(
    session: Session, settings: Settings, names: list[str], requested_at: datetime
) -> list[str]:
    """Re-render the named feeds unless a render that started later already covers them."""
    rendered = []
    for name in sorted(set(names)):
        spec = FeedSpec.parse(name)
        as_of = session.scalar(
            select(RenderedFeed.as_of).where(RenderedFeed.key == feed_key(spec, FORMATS[0]))
        )
        if as_of is not None and as_of >= requested_at:
            continue  # coalesced: a later render already read this change
        if not feed_exists(session, spec):
            continue
        render_and_store(session, settings, spec)
        rendered.append(name)
    return rendered
