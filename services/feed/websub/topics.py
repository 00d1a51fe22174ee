"""Topics: the URLs of the feed documents the hub pushes, and the links that name the hub."""

from __future__ import annotations

from urllib.parse import urlsplit

from services.feed.paths import feed_url, parse_feed_path
from shared.feed_names import FeedSpec
from shared.models.websub import URL_LENGTH
from shared.problems import Problem
from shared.settings import Settings

HUB_PATH = "/websub"


def hub_url(settings: Settings) -> str:
    return settings.base_url + HUB_PATH


def topic_url(settings: Settings, key: str) -> str:
    """The public URL of the subscription document stored under ``key`` (``tag:x.atom``)."""
    name, _, fmt = key.rpartition(".")
    return feed_url(settings, FeedSpec.parse(name), fmt)


def link_header(settings: Settings, self_url: str, *, pushable: bool) -> str:
    """The HTTP ``Link`` header of a feed response (RFC 8288)."""
    links = [f'<{self_url}>; rel="self"']
    if pushable:
        links.insert(0, f'<{hub_url(settings)}>; rel="hub"')
    return ", ".join(links)


def topic_key(settings: Settings, topic: str) -> tuple[str, str]:
    """The stored-document key and feed name ``topic`` names, or a Problem saying why not.

    Only this hub's own subscription documents are topics: 422 for another
    site's URL or a document that never changes by itself, 404 for a URL of
    this site that names no feed.
    """
    if len(topic) > URL_LENGTH:
        raise Problem(422, f"hub.topic is longer than {URL_LENGTH} characters")
    base = settings.base_url
    if not topic.startswith(base + "/feeds/"):
        raise Problem(422, f"hub.topic must be one of this hub's feeds, under {base}/feeds/")
    parts = urlsplit(topic)
    if parts.query or parts.fragment:
        raise Problem(
            422,
            "query variants of a feed are rendered on request and are not pushed; "
            "subscribe to the feed's URL without a query",
        )
    path = parse_feed_path(topic[len(base) :])
    if path is None:
        raise Problem(404, f"no feed at {topic}")
    if path.archive_page is not None:
        raise Problem(422, "archive pages never change and are not pushed")
    return f"{path.spec.name}.{path.fmt}", path.spec.name
