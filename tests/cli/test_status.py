"""`silkfeed status ID`: one submission, read from the database, no HTTP."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from services.ingest.app import create_app
from services.ingest.processing import process_submission
from shared.db import make_engine, make_session_factory, utcnow
from shared.settings import Settings
from tests.cli.conftest import Cli, store
from tests.conftest import FIXTURES, TOKEN


def test_status_shows_counts_error_and_times(cli: Cli, db_url: str) -> None:
    started = utcnow() - timedelta(seconds=3)
    sid = store(
        db_url,
        status="done",
        attempts=1,
        sent_at=started,
        started_at=started,
        finished_at=started + timedelta(seconds=1.5),
        page_date="2025-12-15",
        article_count=6,
        new_article_count=4,
        updated_article_count=2,
        rate_count=5,
    )
    result = cli("status", sid)
    assert result.exit_code == 0, result.output
    lines = dict(line.split(":", 1) for line in result.stdout.splitlines())
    assert lines["status"].strip() == "done"
    assert lines["articles"].strip() == "6 (4 new, 2 updated)"
    assert lines["rates"].strip() == "5"
    assert lines["page date"].strip() == "2025-12-15"
    assert "took 1.50 s" in lines["finished"]
    assert lines["error"].strip() == "-"

    doc = json.loads(cli("status", sid, "--json").stdout)
    assert doc["id"] == sid and doc["status"] == "done" and doc["attempts"] == 1
    assert doc["counts"] == {"articles": 6, "new_articles": 4, "updated_articles": 2, "rates": 5}
    assert doc["started_at"] == started.isoformat()


def test_status_of_a_failed_submission_shows_why(cli: Cli, db_url: str) -> None:
    sid = store(db_url, status="failed", attempts=9, error="cannot parse the page: no articles")
    result = cli("status", sid)
    assert result.exit_code == 0
    assert "error:     cannot parse the page: no articles" in result.stdout
    assert "sent:      - (not yet sent to a worker)" in result.stdout


def test_unknown_id_and_unreachable_database_are_one_line_errors(
    cli: Cli, db_url: str, tmp_path: Path, settings: Settings
) -> None:
    unknown = cli("status", "0" * 32)
    assert unknown.exit_code == 1
    assert unknown.stderr == f"silkfeed: no submission '{'0' * 32}'\n"

    away = cli(
        "status", "0" * 32, SILKFEED_DATABASE_URL="postgresql+psycopg://u:hunter2@127.0.0.1:9/none"
    )
    assert away.exit_code == 1
    assert away.stderr.startswith("silkfeed: database error: OperationalError")
    assert len(away.stderr.strip().splitlines()) == 1 and "hunter2" not in away.stderr

    empty = cli("status", "0" * 32, SILKFEED_DATABASE_URL=f"sqlite:///{tmp_path / 'new.db'}")
    assert empty.exit_code == 1
    assert "run `silkfeed db upgrade`" in empty.stderr
    assert len(empty.stderr.strip().splitlines()) == 1


def test_status_shows_what_was_left_out_and_warnings(cli: Cli, db_url: str) -> None:
    diagnostics = {
        "left_out": {
            "blocks": 3,
            "chars": 60,
            "kinds": [
                {"kind": "outside the article", "blocks": 2, "chars": 40, "sample": "Home"},
                {"kind": "boilerplate", "blocks": 1, "chars": 20, "sample": "Share this:"},
            ],
        },
        "warnings": ["no headline found"],
    }
    sid = store(db_url, status="done", attempts=1, diagnostics=diagnostics)
    result = cli("status", sid)
    assert result.exit_code == 0, result.output
    assert "left out:  3 blocks, 60 characters" in result.stdout
    assert "  outside the article: 2 blocks, 40 characters, e.g. 'Home'" in result.stdout
    assert "  boilerplate: 1 block, 20 characters, e.g. 'Share this:'" in result.stdout
    assert "warning:   no headline found" in result.stdout
    assert json.loads(cli("status", sid, "--json").stdout)["diagnostics"] == diagnostics


def test_a_front_page_left_out_text_reaches_the_api_and_status(
    cli: Cli, db_url: str, settings: Settings
) -> None:
    body = (FIXTURES / "timesca-2025-12-15-full.html").read_bytes()
    sid = store(db_url, status="queued", body=body, media_type="text/html")
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        outcome = process_submission(session, sid)
    engine.dispose()
    assert outcome is not None and outcome.new == 6

    app = create_app(settings, start_relay=False)
    got = app.test_client().get(
        f"/v1/submissions/{sid}", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert got.status_code == 200
    left = got.get_json()["diagnostics"]["left_out"]
    kinds = {kind["kind"]: kind for kind in left["kinds"]}
    assert list(kinds) == ["site chrome", "comments", "outside the stories", "loose text"]
    assert left["chars"] == sum(kind["chars"] for kind in left["kinds"]) > 5000
    assert kinds["outside the stories"]["sample"] == "Kazakh Oil Output Falls Short of OPEC+ Quota"

    result = cli("status", sid)
    assert result.exit_code == 0, result.output
    assert f"left out:  {left['blocks']} blocks, {left['chars']} characters" in result.stdout
    chrome = kinds["site chrome"]
    assert (
        f"  site chrome: {chrome['blocks']} blocks, {chrome['chars']} characters, "
        f"e.g. {chrome['sample']!r}"
    ) in result.stdout
    assert "  comments: 1 block, " in result.stdout
