"""Rendering feed documents and storing their bytes and validators.

A feed's subscription document in each format is rendered first when a reader
asks for it (or a WebSub subscriber subscribes to it), then by the feed worker
whenever the feed's content changes; archive pages (RFC 5005) are rendered
once, on first request, and never change; filtered documents (``?q=``,
``?limit=``) are rendered on request and kept in the web process's memory.
Requests only serve stored bytes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.feed import catalog
from services.feed.archive_cuts import cut_pages, page_bounds
from services.feed.entries import archive_articles
from services.feed.paths import archive_key, archive_url, feed_key, feed_url, url_path
from services.feed.query import FeedQuery
from services.feed.render import FORMATS, MEDIA_TYPES, assemble_formats
from services.feed.render.model import FeedEntry, FeedMeta, common_language
from services.feed.stored_documents import (
    Stored,
    store_documents,
    stored_by_feed,
    stored_documents,
)
from services.feed.websub.topics import hub_url
from shared.changes import ChangedDocument
from shared.conditional import EPOCH
from shared.db import utcnow
from shared.feed_names import FeedSpec
from shared.settings import Settings

log = logging.getLogger(__name__)


def full_archive_pages(session: Session, settings: Settings, spec: FeedSpec) -> int:
    """How many archive pages the feed has, cutting those that have filled
    (``archive_cuts``: written in the session's transaction)."""
    if not catalog.has_archives(spec):
        return 0
    return cut_pages(session, spec, settings.feed_page_size)


def _meta(
    settings: Settings,
    spec: FeedSpec,
    fmt: str,
    entries: list[FeedEntry],
    newest: datetime,
    **paging: object,
) -> FeedMeta:
    base = settings.base_url
    return FeedMeta(
        feed_id=f"{base}{url_path(spec)}",
        title=catalog.title(spec),
        subtitle="News and currency tickers from Central Asia, as published.",
        self_url=str(paging.pop("self_url", feed_url(settings, spec, fmt))),
        html_url=f"{base}/",
        updated=head_updated(entries, newest),
        language=common_language(entries),
        ttl_minutes=max(1, settings.feed_max_age // 60),
        alternates=tuple(
            (MEDIA_TYPES[f].split(";")[0], feed_url(settings, spec, f)) for f in FORMATS
        ),
        **paging,  # type: ignore[arg-type]
    )


def _newest(entries: list[FeedEntry]) -> datetime:
    """The latest stored change of the entries: the documents' Last-Modified, which
    is never in the future (RFC 9110 8.8.2.1)."""
    return max((e.updated for e in entries), default=EPOCH)


def head_updated(entries: Sequence[FeedEntry], newest: datetime) -> datetime:
    """The feed's own updated time (Atom ``<updated>``, RSS ``<lastBuildDate>``): its
    latest stored change, or an entry's publication time when that is later. A
    JSON page may be published up to two days ahead of its receipt, and an entry
    states an update time no earlier than its publication; the feed's updated is
    its most recent change (RFC 4287 4.2.15), so no entry of it may state a later one."""
    return max([newest, *(entry.published for entry in entries)])


def build_current(
    session: Session, settings: Settings, spec: FeedSpec, query: FeedQuery | None = None
) -> tuple[dict[str, bytes], datetime]:
    """The subscription document (or a filtered one) in every format."""
    documents, newest, _ = _build_current(session, settings, spec, query)
    return documents, newest


class _Current(NamedTuple):
    """What a subscription (or filtered) document is made from, read once."""

    entries: list[FeedEntry]
    newest: datetime
    pages: int  # full archive pages before it (none for a filtered document)


def _read_current(
    session: Session, settings: Settings, spec: FeedSpec, query: FeedQuery | None = None
) -> _Current:
    size = settings.feed_page_size
    filtered = query if query is not None and not query.is_default(size) else None
    if filtered is not None:
        entries = catalog.entries(session, settings, spec, filtered.limit, filtered.words)
    else:
        entries = catalog.entries(session, settings, spec, size)
    pages = full_archive_pages(session, settings, spec) if query is None else 0
    return _Current(entries, _newest(entries), pages)


def _build_current(
    session: Session, settings: Settings, spec: FeedSpec, query: FeedQuery | None = None
) -> tuple[dict[str, bytes], datetime, int]:
    """``build_current``, and how many entries the documents hold."""
    current = _read_current(session, settings, spec, query)
    documents = _assemble(settings, spec, current, FORMATS, query)
    return documents, current.newest, len(current.entries)


def _assemble(
    settings: Settings,
    spec: FeedSpec,
    current: _Current,
    formats: Sequence[str],
    query: FeedQuery | None = None,
) -> dict[str, bytes]:
    size = settings.feed_page_size
    filtered = query if query is not None and not query.is_default(size) else None
    entries, newest, pages = current
    metas = {}
    for fmt in formats:
        paging: dict[str, object] = {}
        if pages:
            paging["prev_archive_url"] = archive_url(settings, spec, pages, fmt)
        if query is None:
            paging["hub_url"] = hub_url(settings)  # only subscription documents are pushed
        if filtered is not None:
            paging["self_url"] = f"{feed_url(settings, spec, fmt)}?{filtered.suffix(size)}"
        metas[fmt] = _meta(settings, spec, fmt, entries, newest, **paging)
    return assemble_formats(metas, entries)


def build_archive(
    session: Session, settings: Settings, spec: FeedSpec, page: int, pages: int
) -> tuple[dict[str, bytes], datetime]:
    """Archive page ``page`` of ``pages`` cut pages, in every format."""
    bounds = page_bounds(session, spec, page)
    if bounds is None:  # a caller's bug: pages come from full_archive_pages
        raise ValueError(f"{spec.name} has no archive page {page}")
    entries = archive_articles(session, spec, settings.base_url, *bounds)
    newest = _newest(entries)
    metas = {}
    for fmt in FORMATS:
        paging: dict[str, object] = {
            "is_archive": True,
            "self_url": archive_url(settings, spec, page, fmt),
            "current_url": feed_url(settings, spec, fmt),
        }
        if page > 1:
            paging["prev_archive_url"] = archive_url(settings, spec, page - 1, fmt)
        if page < pages:
            paging["next_archive_url"] = archive_url(settings, spec, page + 1, fmt)
        metas[fmt] = _meta(settings, spec, fmt, entries, newest, **paging)
    return assemble_formats(metas, entries), newest


# Told the keys whose bytes changed in the documents rendered first.
Early = Callable[[list[str]], None]


def split_formats(
    spec: FeedSpec, first: Collection[str], formats: Sequence[str] = FORMATS
) -> list[tuple[str, ...]]:
    """``formats`` of ``spec`` in the order they render: those whose key is in
    ``first``, then the others (one group when either is empty)."""
    asked = tuple(fmt for fmt in formats if feed_key(spec, fmt) in first)
    rest = tuple(fmt for fmt in formats if fmt not in asked)
    return [group for group in (asked, rest) if group]


def render_and_store(
    session: Session,
    settings: Settings,
    spec: FeedSpec,
    *,
    stored: dict[str, Stored] | None = None,
    unless_missing: bool = False,
    first: Collection[str] = (),
    early: Early | None = None,
    formats: Sequence[str] = FORMATS,
    written: list[ChangedDocument] | None = None,
) -> list[str] | None:
    """Render the subscription document of one feed in ``formats``; commits.

    Returns the keys whose bytes changed. ``stored``: what ``stored_documents`` read of
    the feed's keys already. ``unless_missing``: render only a feed that
    exists, and return None for one that does not (an empty render asks
    ``catalog``; one with entries shows the feed exists). ``first`` and
    ``early``: see ``refresh``; both commits are made from one read.
    ``written``: see ``store_documents``; filled as each commit is made.
    """
    as_of = utcnow()
    current = _read_current(session, settings, spec)
    if unless_missing and not current.entries and not catalog.feed_exists(session, spec):
        session.rollback()
        return None
    if stored is None:
        stored = stored_documents(session, [feed_key(spec, fmt) for fmt in formats])
    changed: list[str] = []
    groups = split_formats(spec, first, formats)
    for i, group in enumerate(groups):
        documents = _assemble(settings, spec, current, group)
        keyed = {feed_key(spec, fmt): (fmt, body) for fmt, body in documents.items()}
        done = _store_and_commit(session, keyed, current.newest, as_of, stored, written)
        changed += done
        if early is not None and i + 1 < len(groups) and done:
            early(done)
    return changed


def _store_and_commit(
    session: Session,
    keyed: dict[str, tuple[str, bytes]],
    newest: datetime,
    as_of: datetime,
    stored: dict[str, Stored],
    written: list[ChangedDocument] | None = None,
) -> list[str]:
    new: list[ChangedDocument] = []
    changed = store_documents(session, keyed, newest, as_of, stored, new)
    try:
        session.commit()
        if written is not None:
            written += new
    except IntegrityError:
        # Another process (a request for this feed while it was cold, or the
        # worker) stored it first, after ``stored`` was read. Its render stays
        # where it read the database after this one did; an earlier one is
        # stored over, as any earlier render is.
        session.rollback()
        stored = stored_documents(session, list(keyed))
        older = {k: v for k, v in keyed.items() if k not in stored or stored[k].as_of < as_of}
        changed = store_documents(session, older, newest, as_of, stored)
        session.commit()
    return changed


def store_archive(
    session: Session, settings: Settings, spec: FeedSpec, page: int, pages: int
) -> None:
    """Render and store an archive page once; an existing one is never re-rendered."""
    keys = {fmt: archive_key(spec, page, fmt) for fmt in FORMATS}
    stored = stored_documents(session, list(keys.values()))
    if keys[FORMATS[0]] in stored:
        return
    as_of = utcnow()
    documents, newest = build_archive(session, settings, spec, page, pages)
    keyed = {keys[fmt]: (fmt, body) for fmt, body in documents.items()}
    store_documents(session, keyed, newest, as_of, stored)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()  # another process stored this page first; it never changes


@dataclass
class Refreshed:
    rendered: list[str] = field(default_factory=list)  # feed names rendered
    changed: list[str] = field(default_factory=list)  # document keys whose bytes changed


def refresh(
    session: Session,
    settings: Settings,
    names: list[str],
    requested_at: datetime,
    *,
    first: Collection[str] = (),
    early: Early | None = None,
    known: dict[str, dict[str, Stored]] | None = None,
    written: list[ChangedDocument] | None = None,
) -> Refreshed:
    """Re-render the named feeds unless a render that started later covers them.

    Only the documents that are stored are rendered: a document is first
    rendered when a reader asks for it (``services.feed.documents``) or a
    WebSub subscriber subscribes to it, and kept current from then on. A
    format, or a whole feed, nobody has asked for costs a change nothing.

    ``first``: document keys readers have asked for (``services.feed.asked``).
    A feed holding some of them, but not all its formats, is read once and
    stored in two commits: those documents first, then ``early`` is told which
    of them changed (the caller announces them), then the other stored formats.
    Every stored format is rendered either way; a reader of the first ones sees
    the change sooner.

    ``known``: what ``stored_by_feed`` read of some of these feeds, in a
    transaction since ended (so each render reads the database after its own
    start time); the others are looked up here.

    A render that raises leaves the session rolled back, so the caller's next
    render (the drain goes on to the other feeds) starts on a clean transaction.
    """
    try:
        return _refresh(
            session, settings, names, requested_at, first, early, known or {}, written
        )
    except BaseException:
        session.rollback()
        raise


def _refresh(
    session: Session,
    settings: Settings,
    names: list[str],
    requested_at: datetime,
    first: Collection[str],
    early: Early | None,
    known: dict[str, dict[str, Stored]],
    written: list[ChangedDocument] | None,
) -> Refreshed:
    result = Refreshed()
    for name in sorted(set(names)):
        spec = FeedSpec.parse(name)
        stored = known[name] if name in known else stored_by_feed(session, [name]).get(name, {})
        if not stored:
            continue  # asked for by nobody yet: rendered when it is
        # A document whose render read the database after this change (a later
        # change's, or a reader's request: ``read_render``) covers it already.
        formats = [
            fmt
            for fmt in FORMATS
            if (key := feed_key(spec, fmt)) in stored and stored[key].as_of < requested_at
        ]
        if not formats:
            continue  # coalesced: a later render already read this change
        changed = render_and_store(
            session,
            settings,
            spec,
            stored=stored,
            unless_missing=True,
            first=first,
            early=early,
            formats=formats,
            written=written,
        )
        if changed is None:
            continue  # no such feed (any more)
        result.changed += changed
        result.rendered.append(name)
    return result
