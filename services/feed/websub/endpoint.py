"""``POST /websub``: the hub endpoint subscribers send (un)subscribe requests to.

A request that is wrong on its face (bad mode, a topic that is not one of
this hub's feeds, a callback the hub must not call) is refused at once with a
problem document; anything else is stored as an intent, answered ``202
Accepted``, and verified by the websub worker, which asks the callback.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

import redis
from flask import Blueprint, Flask, Response, current_app, g, request

from services.feed.catalog import feed_exists
from services.feed.websub import store
from services.feed.websub.form_body import CLOSE, FormReader, form_fields
from services.feed.websub.intake import Request, parse_request
from services.feed.websub.limits import RateLimits
from services.feed.websub.topics import HUB_PATH
from shared import contracts
from shared.celery_app import create_celery, send
from shared.db import utcnow
from shared.feed_names import FeedSpec
from shared.models.websub import WebSubIntent
from shared.problems import Problem
from shared.settings import Settings

if TYPE_CHECKING:
    from services.feed.documents import FeedDocuments

log = logging.getLogger(__name__)

bp = Blueprint("websub", __name__)
FORM = "application/x-www-form-urlencoded"
# A 2000-character callback, a topic and a secret, form-encoded: a form is a
# few hundred bytes in practice; the cap bounds how long a reader may be held.
MAX_FORM_BYTES = 4 * 1024
MAX_PENDING = 10_000  # intents awaiting verification, all callbacks together


class Hub:
    """What the endpoint needs beyond the request: settings, limits, a task sender."""

    def __init__(self, settings: Settings, client: redis.Redis) -> None:
        self.settings = settings
        self.limits = RateLimits(
            client, settings.key_prefix, settings.websub_callback_rate, settings.websub_global_rate
        )
        self.forms = FormReader(settings.websub_body_readers)
        self._celery = None

    def send_verify(self, intent_id: int) -> None:
        if self._celery is None:
            self._celery = create_celery("silkfeed-feed-hub", self.settings)
        send(self._celery, contracts.WEBSUB_VERIFY, {"intent_id": intent_id})


def install_hub(app: Flask, settings: Settings, client: redis.Redis) -> None:
    app.extensions["silkfeed"]["websub"] = Hub(settings, client)
    app.register_blueprint(bp)


def _documents() -> FeedDocuments:
    return current_app.extensions["silkfeed"]["documents"]  # type: ignore[no-any-return]


def _hub() -> Hub:
    return current_app.extensions["silkfeed"]["websub"]  # type: ignore[no-any-return]


@bp.post(HUB_PATH)
def hub_endpoint() -> Response:
    hub = _hub()
    media_type = (request.mimetype or "").lower()
    # Refusals before the body is read leave it unread: the connection is closed.
    if media_type != FORM:
        raise Problem(415, f"send the request as {FORM}, as WebSub says", headers=CLOSE)
    length = request.content_length
    if length is None:
        raise Problem(411, "send a Content-Length with the subscription request", headers=CLOSE)
    if length > MAX_FORM_BYTES:
        raise Problem(413, f"a subscription request is at most {MAX_FORM_BYTES} bytes",
                      kind="payload-too-large", headers=CLOSE, limit=MAX_FORM_BYTES)
    body = hub.forms.read(request.environ["wsgi.input"], length)
    wanted = parse_request(hub.settings, form_fields(body))
    if not feed_exists(g.session, FeedSpec.parse(wanted.feed)):
        raise Problem(404, f"no feed at {wanted.topic}")
    _check_room(hub, wanted)
    if wanted.mode == "subscribe":
        # Only stored documents are kept current (and so pushed): store this one.
        spec = FeedSpec.parse(wanted.feed)
        _documents().stored(g.session, spec, wanted.key.rpartition(".")[2])
    intent = WebSubIntent(
        mode=wanted.mode,
        topic=wanted.topic,
        topic_key=wanted.key,
        callback=wanted.callback,
        lease_seconds=wanted.lease_seconds,
        secret=wanted.secret,
        requested_at=utcnow(),
    )
    g.session.add(intent)
    g.session.commit()
    try:
        hub.send_verify(intent.id)
    except Exception as exc:
        g.session.delete(intent)
        g.session.commit()
        log.warning("websub: could not queue verification: %s", exc)
        raise Problem(503, "the hub cannot take requests now; try again later",
                      headers={"Retry-After": "30"}) from None
    log.info("websub: %s request for %s from %s accepted", wanted.mode, wanted.topic,
             wanted.callback)
    return Response(b"", status=202)


def _check_room(hub: Hub, wanted: Request) -> None:
    settings = hub.settings
    try:
        wait = hub.limits.intake(wanted.callback)
    except redis.RedisError:
        raise Problem(503, "the hub cannot take requests now; try again later",
                      headers={"Retry-After": "30"}) from None
    if wait:
        raise Problem(
            429,
            "too many subscription requests for this callback; try again later",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )
    if store.count_intents(g.session) >= MAX_PENDING:
        raise Problem(503, "too many requests await verification; try again later",
                      headers={"Retry-After": "60"})
    if wanted.mode != "subscribe":
        return
    if store.count_for_topic(g.session, wanted.key, besides=wanted.callback) >= (
        settings.websub_max_per_topic
    ):
        raise Problem(422, f"{wanted.topic} has its most subscriptions "
                      f"({settings.websub_max_per_topic})", kind="subscription-limit")
    if store.find(g.session, wanted.key, wanted.callback) is None and (
        store.count_total(g.session) >= settings.websub_max_total
    ):
        raise Problem(422, f"the hub has its most subscriptions ({settings.websub_max_total})",
                      kind="subscription-limit")
