"""``silkfeed websub list|remove``: subscriptions as stored, secrets never shown."""

from __future__ import annotations

import json
from datetime import timedelta

from services.feed.websub import store
from shared.db import make_engine, make_session_factory, utcnow
from shared.models import WebSubIntent, WebSubSubscription
from shared.settings import Settings
from tests.cli.conftest import Cli

TOPIC = "http://feeds.example.test/feeds/articles.atom"


def seed(settings: Settings) -> list[int]:
    engine = make_engine(settings.db_url)
    ids = []
    with make_session_factory(engine)() as session:
        for n, secret in ((1, "never-shown-secret"), (2, None)):
            intent = WebSubIntent(mode="subscribe", topic=TOPIC, topic_key="articles.atom",
                                  callback=f"https://reader{n}.example/cb", lease_seconds=600,
                                  secret=secret, requested_at=utcnow())
            ids.append(store.subscribe(session, intent, utcnow()))
        ids[1].expires_at = utcnow() - timedelta(seconds=5)
        session.commit()
        ids = [row.id for row in ids]
    engine.dispose()
    return ids


def remaining(settings: Settings) -> list[str]:
    engine = make_engine(settings.db_url)
    with make_session_factory(engine)() as session:
        rows = [s.callback for s in session.query(WebSubSubscription).order_by("id")]
    engine.dispose()
    return rows


def test_list_never_shows_the_secret(cli: Cli, settings: Settings) -> None:
    first, second = seed(settings)
    result = cli("websub", "list")
    assert result.exit_code == 0, result.output
    assert "never-shown-secret" not in result.output
    lines = result.output.splitlines()
    assert lines[0].split()[0] == str(first) and "(signed, until" in lines[0]
    assert lines[1].split()[0] == str(second) and "(unsigned, expired)" in lines[1]
    docs = [json.loads(line) for line in cli("websub", "list", "--json").output.splitlines()]
    assert [d["signed"] for d in docs] == [True, False]
    assert all("secret" not in d for d in docs)


def test_remove_by_id_and_by_callback(cli: Cli, settings: Settings) -> None:
    first, _ = seed(settings)
    assert cli("websub", "remove").exit_code != 0  # nothing named
    result = cli("websub", "remove", str(first))
    assert result.exit_code == 0 and "removed 1" in result.output
    assert remaining(settings) == ["https://reader2.example/cb"]
    assert cli("websub", "remove", "--callback", "https://reader2.example/cb").exit_code == 0
    assert remaining(settings) == []
    assert cli("websub", "remove", str(first)).exit_code == 1  # already gone
