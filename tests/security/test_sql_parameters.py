"""SQL only through bound parameters: hostile text in a page, a path and query
strings round-trips as data and changes no schema; no SQL is built by formatting."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, inspect, select

from services.feed.app import create_app as create_feed_app
from services.ingest.app import create_app as create_ingest_app
from shared.db import make_engine
from shared.migrate import ROOT
from shared.models import Article, Submission
from shared.settings import Settings
from tests.conftest import SAMPLE, TOKEN
from tests.support.processes import ServiceProcess
from tests.support.waiting import wait_for

AUTH = {"Authorization": f"Bearer {TOKEN}"}
INJECTION = "'; DROP TABLE articles; --"
TITLE = "Kazakhstan Exported a Million Tons of Goods to China Last Month"


@pytest.fixture
def ingest(settings: Settings, workers: dict[str, ServiceProcess]) -> Iterator[FlaskClient]:
    app: Flask = create_ingest_app(settings)
    yield app.test_client()
    app.extensions["silkfeed"]["outbox"].stop()


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_hostile_text_round_trips_as_data(settings: Settings, ingest: FlaskClient) -> None:
    before = tables(settings.db_url)
    assert "articles" in before
    hostile_title = f"Robert{INJECTION} Tables Headline"
    page = SAMPLE.read_text(encoding="utf-8").replace(f"\n{TITLE}\n", f"\n{hostile_title}\n", 1)
    page = page.replace("In January 2024", f"In January 2024 ({INJECTION})", 1)
    resp = ingest.post(
        f"/v1/submissions?source=bobby.tables&url={quote('https://example.org/' + INJECTION)}",
        data=page.encode(),
        headers={**AUTH, "Content-Type": "text/plain"},
    )
    # A URL is checked, not escaped: quotes and spaces make it a 400, not a query.
    assert resp.status_code == 400 and resp.get_json()["parameter"] == "url"
    resp = ingest.post(
        "/v1/submissions?source=bobby.tables",
        data=page.encode(),
        headers={**AUTH, "Content-Type": "text/plain"},
    )
    assert resp.status_code == 202
    sid = resp.get_json()["id"]
    wait_for(
        lambda: ingest.get(f"/v1/submissions/{sid}", headers=AUTH).get_json()["status"] == "done",
        60,
        what="the page",
    )
    # Hostile path segments and query strings reach the database only as values.
    assert ingest.get(f"/v1/submissions/{quote(INJECTION)}", headers=AUTH).status_code == 404
    feed = create_feed_app(settings, watch_changes=False).test_client()
    for path in (
        f"/feeds/tags/{quote(INJECTION)}.atom",
        f"/api/v1/rates/latest?pair={quote(INJECTION)}",
        f"/api/v1/rates/history?base={quote(INJECTION)}&quote={quote(INJECTION)}",
        f"/articles/{quote(INJECTION)}",
    ):
        assert feed.get(path).status_code < 500, path

    assert tables(settings.db_url) == before
    engine = make_engine(settings.db_url)
    with engine.connect() as conn:
        titles = set(conn.scalars(select(Article.title)))
        paragraphs = [p for ps in conn.scalars(select(Article.paragraphs)) for p in ps]
        assert conn.scalar(select(func.count()).select_from(Submission)) == 1
    engine.dispose()
    assert hostile_title in titles and len(titles) == 6
    assert any(INJECTION in p for p in paragraphs)


def _formatted(node: ast.expr) -> bool:
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    )


def test_no_sql_is_built_by_string_formatting() -> None:
    offenders = []
    for path in [p for d in ("services", "shared", "cli") for p in (ROOT / d).rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = (
                node.func.attr
                if isinstance(node.func, ast.Attribute)
                else getattr(node.func, "id", "")
            )
            if name in {"text", "exec_driver_sql", "execute", "executescript"} and _formatted(
                node.args[0]
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
