"""The feed worker's task: re-render the feeds a change touched, once per burst."""

from __future__ import annotations

import logging
from datetime import datetime

import redis

from services.feed.coalesce import AfterRender, RenderCoalescer
from services.feed.publish import refresh
from services.feed.websub.hook import documents_changed
from shared import contracts
from shared.backlog import backlog_key
from shared.celery_app import TRANSIENT_ERRORS, DbTask, silkfeed_task
from shared.changes import announce
from shared.db import utcnow

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


@silkfeed_task(contracts.REFRESH_FEEDS, retry_backoff_max=60)
def refresh_feeds(self: DbTask, feeds: list[str], requested_at: str) -> None:
    contracts.check_refresh({"feeds": feeds, "requested_at": requested_at})
    settings = self.resources.settings
    co = _coalescer(self)

    def render(name: str, stamp: datetime) -> AfterRender:
        announced: list[str] = []

        def early(changed: list[str]) -> None:
            # The documents readers asked for are out before the other formats render.
            announce(co.client, settings.key_prefix, changed)
            announced.extend(changed)

        result = refresh(self.session, settings, [name], stamp, first=co.asked, early=early)

        def send(pipe: redis.client.Pipeline) -> None:
            # Web processes drop their in-memory copies of what changed, in
            # the round trip that unmarks the feed, before anything else.
            announce(pipe, settings.key_prefix, [k for k in result.changed if k not in announced])
            co.count_renders(result.rendered, pipe)

        return AfterRender(send, lambda: documents_changed(self.app, self.session, result.changed))

    # Marking these feeds, taking the lock and reading what is due: one round trip.
    done = co.drain(
        render,
        transient=TRANSIENT_ERRORS,
        mark=(feeds, datetime.fromisoformat(requested_at)),
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
    if co.pending():
        # The drain stopped at its time bound: a fresh task carries on.
        self.apply_async(kwargs={"feeds": [], "requested_at": utcnow().isoformat()})
    elif (wait := co.next_retry_in()) is not None and co.claim_retry(wait):
        # Only failing feeds are left: come back when the first one is due.
        self.apply_async(
            kwargs={"feeds": [], "requested_at": utcnow().isoformat()}, countdown=wait + 0.5
        )
