"""Finding the stored document for a request: memory, then the table, then a render."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import redis
from flask import abort
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy.orm import Session, sessionmaker

from services.feed import catalog, publish
from services.feed.asked import NOTE_TIMEOUT, AskedNotes
from services.feed.awaited import RenderAwait
from services.feed.coalesce_scripts import feed_lock_key
from services.feed.first_render import RefreshAfterFirstRender
from services.feed.memory import FeedMemory
from services.feed.paths import (
    FeedPath,
    archive_key,
    archive_url,
    feed_key,
    feed_url,
    query_key,
    url_path,
)
from services.feed.query import parse_query
from services.feed.read_render import ReadRender
from services.feed.render import MEDIA_TYPES
from services.feed.serving import ARCHIVE_CACHE_CONTROL, StoredFeed
from services.feed.websub.topics import link_header
from shared.conditional import strong_etag
from shared.feed_names import FeedSpec
from shared.models import RenderedFeed
from shared.redis_client import settings_client
from shared.settings import Settings

log = logging.getLogger(__name__)


class FeedDocuments:
    def __init__(
        self,
        settings: Settings,
        memory: FeedMemory,
        client: redis.Redis,
        sessions: sessionmaker[Session] | None = None,
    ) -> None:
        self.settings = settings
        self.memory = memory
        self.client = client
        self.cache_control = f"public, max-age={settings.feed_max_age}"
        # Its own client: a note, made on a reader's request, gives up at once.
        self.asked = AskedNotes(
            settings_client(
                settings,
                socket_timeout=NOTE_TIMEOUT,
                socket_connect_timeout=NOTE_TIMEOUT,
                retry=Retry(NoBackoff(), 0),
            ),
            settings.key_prefix,
        )
        self.first_renders = RefreshAfterFirstRender(settings, client)
        # Without sessions of its own (tests of one piece), nothing renders on read.
        self.read_render = (
            ReadRender(settings, memory, sessions, client) if sessions is not None else None
        )
        self.awaited = RenderAwait(memory)

    def held(self, key: str) -> StoredFeed | None:
        """The copy of ``key`` held in memory; None when none is held. One a stale
        note made old has its render set off (``read_render``) and is served as it
        is, or as the render makes it when that is moments away (``awaited``)."""
        found = self.memory.get(key)
        # One look at an empty dict on nearly every poll: no note waits.
        if found is not None and self.memory.stale.noted:
            if self.read_render is not None:
                self.read_render.served(found)
            # Its new copy, when a recent note says one is moments away.
            found = self.awaited.newest(found)
        return found

    def key_for(self, path: FeedPath, args: Mapping[str, str]) -> str:
        """The canonical key: parameter order and unknown parameters don't matter."""
        if path.archive_page is not None:
            return archive_key(path.spec, path.archive_page, path.fmt)
        query = parse_query(args, self.settings.feed_page_size)
        return query_key(path.spec, path.fmt, query.suffix(self.settings.feed_page_size))

    def find(self, session: Session, path: FeedPath, args: Mapping[str, str]) -> StoredFeed:
        key = self.key_for(path, args)
        found = self.held(key)
        if found is not None:
            return found
        generation = self.memory.generation
        if path.archive_page is not None:
            feed = self._archive(session, path)
        elif "?" in key:
            feed = self._filtered(session, path, args, key)
        else:
            feed = self._subscription(session, path)
        self.memory.put(feed, generation)
        return feed

    def _from_row(self, row: RenderedFeed, cache_control: str, link: str) -> StoredFeed:
        return StoredFeed.build(
            row.key,
            row.content_type,
            row.body,
            row.etag,
            row.last_modified,
            cache_control,
            link,
            row.rendered_at,
            row.as_of,
        )

    def _link(self, self_url: str, *, pushable: bool) -> str:
        return link_header(self.settings, self_url, pushable=pushable)

    def stored(self, session: Session, spec: FeedSpec, fmt: str) -> RenderedFeed:
        """The stored subscription document of ``spec`` in ``fmt``, rendered first if it
        never was (``first_render``); a 404 Problem for a feed that does not exist."""
        key = feed_key(spec, fmt)
        row = session.get(RenderedFeed, key)
        if row is not None:
            return row
        self._require(session, spec)
        # A cold document is rendered once: concurrent requests wait on one lock.
        with self._render_lock(spec.name):
            session.expire_all()
            row = session.get(RenderedFeed, key)
            if row is None:
                publish.render_and_store(session, self.settings, spec, formats=(fmt,))
                row = session.get(RenderedFeed, key)
                self.first_renders.request(spec.name)
        assert row is not None
        return row

    def _subscription(self, session: Session, path: FeedPath) -> StoredFeed:
        key = feed_key(path.spec, path.fmt)
        row = self.stored(session, path.spec, path.fmt)
        # Its feed's next change renders this format first.
        self.asked.note(key)
        self_url = feed_url(self.settings, path.spec, path.fmt)
        return self._from_row(row, self.cache_control, self._link(self_url, pushable=True))

    def _archive(self, session: Session, path: FeedPath) -> StoredFeed:
        assert path.archive_page is not None
        key = archive_key(path.spec, path.archive_page, path.fmt)
        row = session.get(RenderedFeed, key)
        if row is None:
            self._require(session, path.spec)
            pages = publish.full_archive_pages(session, self.settings, path.spec)
            if path.archive_page > pages:
                abort(404, description=f"{url_path(path.spec)} has {pages} archive page(s)")
            with self._render_lock(f"{path.spec.name}/archive/{path.archive_page}"):
                session.expire_all()
                publish.store_archive(session, self.settings, path.spec, path.archive_page, pages)
                row = session.get(RenderedFeed, key)
        assert row is not None
        self_url = archive_url(self.settings, path.spec, path.archive_page, path.fmt)
        return self._from_row(row, ARCHIVE_CACHE_CONTROL, self._link(self_url, pushable=False))

    def _filtered(
        self, session: Session, path: FeedPath, args: Mapping[str, str], key: str
    ) -> StoredFeed:
        self._require(session, path.spec)
        query = parse_query(args, self.settings.feed_page_size)
        documents, newest = publish.build_current(session, self.settings, path.spec, query)
        body = documents[path.fmt]
        size = self.settings.feed_page_size
        self_url = f"{feed_url(self.settings, path.spec, path.fmt)}?{query.suffix(size)}"
        return StoredFeed.build(
            key,
            MEDIA_TYPES[path.fmt],
            body,
            strong_etag(body),
            newest.replace(microsecond=0),
            self.cache_control,
            self._link(self_url, pushable=False),
        )

    def _require(self, session: Session, spec: FeedSpec) -> None:
        if not catalog.feed_exists(session, spec):
            abort(404, description=f"no feed at {url_path(spec)}")

    @contextmanager
    def _render_lock(self, name: str) -> Iterator[None]:
        lock_name = feed_lock_key(self.settings.key_prefix, name)
        lock = None
        try:
            lock = self.client.lock(lock_name, timeout=60, blocking_timeout=30)
            acquired = lock.acquire()
        except redis.RedisError:
            # Without Redis, render anyway: a duplicate render stores the same bytes.
            acquired = False
        try:
            yield
        finally:
            if lock is not None and acquired:
                try:
                    lock.release()
                except redis.RedisError:
                    log.warning("could not release %s", lock_name)
