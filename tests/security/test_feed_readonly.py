"""The feed service has one write endpoint, the WebSub hub's ``POST /websub``;
every other route is GET, HEAD or OPTIONS."""

from __future__ import annotations

from services.feed.app import create_app
from shared.settings import Settings

READ_ONLY = {"GET", "HEAD", "OPTIONS"}


def test_every_feed_route_is_read_only(settings: Settings) -> None:
    app = create_app(settings, watch_changes=False)
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 5
    writable = {
        rule.rule: sorted(rule.methods - READ_ONLY) for rule in rules if rule.methods - READ_ONLY
    }
    assert writable == {"/websub": ["POST"]}


def test_writes_are_refused(settings: Settings) -> None:
    client = create_app(settings, watch_changes=False).test_client()
    for path in ("/", "/feeds/articles.atom", "/api/v1/rates/latest", "/healthz"):
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            resp = client.open(path, method=method, data=b"x")
            assert resp.status_code == 405, (method, path, resp.status_code)
