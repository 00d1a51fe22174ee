"""The feed worker's task: re-render the feeds a change touched, once per burst."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import redis

from services.feed.coalesce import AfterRender, RenderCoalescer
from services.feed.publish import refresh
from services.feed.stored_documents import stored_by_feed
from services.feed.told import ToldEarly
from services.feed.websub.hook import documents_changed
from shared import contracts
from shared.backlog import backlog_key
from shared.celery_app import TRANSIENT_ERRORS, DbTask, silkfeed_task
from shared.changes import ChangedDocument, announce
from shared.db import utcnow
from shared.feed_names import FeedSpec

log = logging.getLogger(__name__)


def _coalescer(task: DbTask) -> RenderCoalescer:
    settings = task.resources.settings
    return RenderCoalescer(
        task.resources.redis.get(socket_timeout=10),
        settings.key_prefix,
        # Pages still to parse: those waiting in the ingest backlog (taken a
        # batch at a time) and an ingest task queued for them (Kombu's Redis
        # transport keeps a queue's messages in a list named after the queue).
        backlog_keys=(
            backlog_key(settings.key_prefix, contracts.BACKLOG_INGEST),
            settings.key_prefix + contracts.QUEUE_INGEST,
        ),
    )


def _render(
    task: DbTask,
    co: RenderCoalescer,
    known: dict[str, dict[str, Any]],
    name: str,
    stamp: datetime,
) -> AfterRender:
    """Render one feed (``publish.refresh``), and what to tell once it is done."""
    prefix = task.resources.settings.key_prefix
    # The new bytes of the documents readers asked for ride with their
    # announcement: the web processes serving them need not read them back.
    written: list[ChangedDocument] = []

    def carried() -> list[ChangedDocument]:
        return [doc for doc in written if doc.key in co.asked]

    # The documents readers asked for are told of before the other formats render.
    told = ToldEarly(
        lambda keys: announce(co.client, prefix, keys, carried()),
        lambda keys: documents_changed(task.app, task.session, keys),
    )
    result = refresh(
        task.session,
        task.resources.settings,
        [name],
        stamp,
        first=co.asked,
        early=told,
        known=known,
        written=written,
    )

    def send(pipe: redis.client.Pipeline) -> None:
        # Web processes drop their in-memory copies of what changed, in
        # the round trip that unmarks the feed, before anything else.
        announce(pipe, prefix, told.not_announced(result.changed), carried())
        co.count_renders(result.rendered, pipe)

    return AfterRender(
        send, lambda: documents_changed(task.app, task.session, told.not_pushed(result.changed))
    )


@silkfeed_task(contracts.REFRESH_FEEDS, retry_backoff_max=60)
def refresh_feeds(self: DbTask, feeds: list[str], requested_at: str) -> None:
    contracts.check_refresh({"feeds": feeds, "requested_at": requested_at})
    co = _coalescer(self)
    # What each round's one look found stored, by feed (``wanted``).
    known: dict[str, dict[str, Any]] = {}

    def wanted(names: list[str]) -> set[str]:
        """Of a round's feeds, those with stored documents (the others have no reader
        yet), and any name that names no feed: its render fails, and is recorded
        and backed off as every failing render is, while the others go on."""
        feeds, unknown = [], set()
        for name in names:
            try:
                FeedSpec.parse(name)
            except ValueError:
                unknown.add(name)
            else:
                feeds.append(name)
        known.clear()
        known.update(stored_by_feed(self.session, feeds))
        self.session.commit()
        return set(known) | unknown

    def render(name: str, stamp: datetime) -> AfterRender:
        return _render(self, co, known, name, stamp)

    # Marking these feeds, taking the lock and reading what is due: one round trip.
    done = co.drain(
        render,
        transient=TRANSIENT_ERRORS,
        mark=(feeds, datetime.fromisoformat(requested_at)),
        wanted=wanted,
    )
    if done is None:
        # Another process is rendering and will pick these feeds up; if it
        # dies first, this follow-up (one per lock period) takes over.
        if co.claim_followup():
            self.apply_async(
                kwargs={"feeds": [], "requested_at": utcnow().isoformat()},
                countdown=co.lock_ms / 1000,
            )
        return
    if done:
        log.info("rendered %d feeds: %s", len(done), ", ".join(done))
    if co.last_dirty == 0:
        # The drain's last look, after it let go of the lock, found nothing
        # marked: whoever marks a feed after it also sends a task.
        return
    if co.pending():
        # The drain stopped at its time bound: a fresh task carries on.
        self.apply_async(kwargs={"feeds": [], "requested_at": utcnow().isoformat()})
    elif (wait := co.next_retry_in()) is not None and co.claim_retry(wait):
        # Only failing feeds are left: come back when the first one is due.
        self.apply_async(
            kwargs={"feeds": [], "requested_at": utcnow().isoformat()}, countdown=wait + 0.5
        )
