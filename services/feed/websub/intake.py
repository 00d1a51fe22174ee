"""A subscription request as the hub endpoint receives it, checked field by field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.feed.websub.callbacks import CallbackRefused, resolve
from services.feed.websub.topics import topic_key
from shared.models.websub import SECRET_LENGTH
from shared.problems import Problem
from shared.settings import Settings

MODES = ("subscribe", "unsubscribe")


@dataclass(frozen=True, slots=True)
class Request:
    mode: str
    topic: str
    key: str  # the stored document the topic names, e.g. "tag:china.atom"
    feed: str  # its feed name, e.g. "tag:china"
    callback: str
    lease_seconds: int
    secret: str | None


def _required(form: Mapping[str, str], name: str) -> str:
    value = form.get(name, "")
    if not value:
        raise Problem(400, f"{name} is required")
    return value


def lease(settings: Settings, raw: str | None) -> int:
    """The lease granted: the one asked for within the configured range, or the default."""
    if raw is None or raw == "":
        return settings.websub_lease_default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12 or int(raw) <= 0:
        raise Problem(422, "hub.lease_seconds must be a positive whole number of seconds")
    return min(max(int(raw), settings.websub_lease_min), settings.websub_lease_max)


def parse_request(settings: Settings, form: Mapping[str, str]) -> Request:
    """The checked request, or a Problem naming the field at fault."""
    mode = _required(form, "hub.mode")
    if mode not in MODES:
        raise Problem(422, f"hub.mode must be subscribe or unsubscribe, not {mode[:40]!r}")
    callback = _required(form, "hub.callback")
    topic = _required(form, "hub.topic")
    key, feed = topic_key(settings, topic)
    try:
        resolve(callback, allow_private=settings.websub_allow_private_callbacks)
    except CallbackRefused as exc:
        raise Problem(422, str(exc)) from None
    secret = form.get("hub.secret") or None
    if secret is not None and len(secret.encode()) >= SECRET_LENGTH:
        raise Problem(422, f"hub.secret must be shorter than {SECRET_LENGTH} bytes")
    return Request(
        mode, topic, key, feed, callback, lease(settings, form.get("hub.lease_seconds")), secret
    )
