"""`silkfeed submit`: posts files to the ingest API over HTTP, as an upstream would."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from bench.common import distinct_page
from cli.system import free_port
from shared.db import make_engine, make_session_factory
from shared.models import Article, Submission
from tests.cli.conftest import Cli, IngestServer
from tests.conftest import SAMPLE, TOKEN

JSON_PAGE = {
    "page_date": "2025-12-15",
    "articles": [{"title": "A JSON Headline", "paragraphs": ["First paragraph of the JSON page."]}],
}
HTML_PAGE = (
    "<html><body><article><h2>An HTML Headline</h2>"
    "<p>The paragraph of the HTML page.</p></article></body></html>"
)


def rows(db_url: str) -> list[Submission]:
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        found = list(session.scalars(select(Submission).order_by(Submission.received_at)))
    engine.dispose()
    return found


def printed_ids(output: str) -> dict[str, str]:
    """file name → id, from the `FILE → ID STATUS` lines."""
    return {
        Path(m.group(1)).name: m.group(2)
        for m in re.finditer(r"^(\S+) → ([0-9a-f]{32}) \w+", output, re.MULTILINE)
    }


def test_posts_each_file_with_the_type_its_extension_says(
    cli: Cli, ingest_api: IngestServer, tmp_path: Path, db_url: str
) -> None:
    (tmp_path / "page.txt").write_bytes(SAMPLE.read_bytes())
    (tmp_path / "page.html").write_text(HTML_PAGE)
    (tmp_path / "page.json").write_text(json.dumps(JSON_PAGE))
    files = [str(tmp_path / n) for n in ("page.txt", "page.html", "page.json")]
    result = cli("submit", "--url", ingest_api.url, "--source", "cli-test", *files)
    assert result.exit_code == 0, result.output
    ids = printed_ids(result.stdout)
    assert set(ids) == {"page.txt", "page.html", "page.json"}
    assert "queued" in result.stdout and "Traceback" not in result.output
    stored = {sub.id: sub for sub in rows(db_url)}
    assert {stored[ids[name]].media_type for name in ids} == {
        "text/plain",
        "text/html",
        "application/json",
    }
    assert stored[ids["page.txt"]].media_type == "text/plain"
    assert {sub.source for sub in stored.values()} == {"cli-test"}

    # The same file again is the same submission, and says so.
    again = cli("submit", "--url", ingest_api.url, files[0])
    assert again.exit_code == 0, again.output
    assert printed_ids(again.stdout)["page.txt"] == ids["page.txt"]
    assert "duplicate" in again.stdout


def test_default_url_and_token_come_from_the_settings(
    cli: Cli, ingest_api: IngestServer, tmp_path: Path, db_url: str
) -> None:
    port = ingest_api.url.rsplit(":", 1)[1]
    page = tmp_path / "page.txt"
    page.write_bytes(distinct_page(1, "Cli")[0])
    result = cli("submit", "--media-type", "text/plain", str(page), SILKFEED_INGEST_PORT=port)
    assert result.exit_code == 0, result.output
    assert len(rows(db_url)) == 1


def test_the_token_comes_from_silkfeed_token_or_the_data_dir(
    cli: Cli, ingest_api: IngestServer, tmp_path: Path, db_url: str
) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(distinct_page(2, "Cli")[0])
    no_tokens = {"SILKFEED_INGEST_TOKENS": ""}
    missing = cli("submit", "--url", ingest_api.url, str(page), **no_tokens)
    assert missing.exit_code == 1
    data_dir = Path(cli.env["SILKFEED_DATA_DIR"]).resolve()
    assert "SILKFEED_TOKEN" in missing.stderr and str(data_dir / "ingest-token") in missing.stderr
    by_env = cli("submit", "--url", ingest_api.url, str(page), SILKFEED_TOKEN=TOKEN, **no_tokens)
    assert by_env.exit_code == 0, by_env.output
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "ingest-token").write_text(TOKEN + "\n")
    by_file = cli("submit", "--url", ingest_api.url, str(page), **no_tokens)
    assert by_file.exit_code == 0, by_file.output
    assert len(rows(db_url)) == 1  # the second post is the same page


def test_a_refused_page_is_one_line_and_a_nonzero_exit(
    cli: Cli, ingest_api: IngestServer, tmp_path: Path, db_url: str
) -> None:
    (tmp_path / "empty.txt").write_text("  \n")
    (tmp_path / "bad.json").write_text(json.dumps({"articles": [{"title": 5}]}))
    (tmp_path / "good.txt").write_bytes(SAMPLE.read_bytes())
    files = [str(tmp_path / n) for n in ("empty.txt", "bad.json", "good.txt")]
    result = cli("submit", "--url", ingest_api.url, *files)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    refused = [line for line in result.stderr.splitlines() if "refused (" in line]
    assert len(refused) == 2, result.stderr
    assert "empty.txt: refused (400): the body is empty" in refused[0]
    assert "bad.json: refused (422)" in refused[1] and "first: /articles/0" in refused[1]
    assert "2 of 3 page(s) refused" in result.stderr
    # The good page still went in.
    assert list(printed_ids(result.stdout)) == ["good.txt"]
    assert len(rows(db_url)) == 1


def test_wrong_token_unknown_type_and_no_api_are_one_line_errors(
    cli: Cli, ingest_api: IngestServer, tmp_path: Path, db_url: str
) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE.read_bytes())
    wrong = cli("submit", "--url", ingest_api.url, "--token", "x" * 20, str(page))
    assert wrong.exit_code == 1
    assert "refused (401): the bearer token is not valid" in wrong.stderr
    assert "silkfeed: the ingest API refused the token" in wrong.stderr

    odd = tmp_path / "page.pdf"
    odd.write_bytes(b"%PDF")
    unknown = cli("submit", "--url", ingest_api.url, str(page), str(odd))
    assert unknown.exit_code == 1
    assert unknown.stderr.strip().splitlines()[-1].startswith("silkfeed: ")
    assert "pass --media-type" in unknown.stderr
    assert rows(db_url) == []  # nothing posted before the check

    away = cli("submit", "--url", f"http://127.0.0.1:{free_port()}", str(page))
    assert away.exit_code == 1
    assert away.stderr.strip().splitlines()[-1].startswith("silkfeed: cannot reach the ingest API")
    assert "Traceback" not in away.output

    missing = cli("submit", str(tmp_path / "nope.txt"))
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


def test_every_command_has_help(cli: Cli) -> None:
    for command in ("submit", "status", "reprocess", "retry", "stats", "config", "db"):
        result = cli(command, "--help")
        assert result.exit_code == 0, (command, result.output)
        assert "Usage: " in result.stdout


@pytest.mark.slow
def test_wait_follows_each_page_until_it_is_done(
    cli: Cli, ingest_api_with_relay: IngestServer, tmp_path: Path, db_url: str
) -> None:
    files = []
    for i in range(3):
        path = tmp_path / f"page-{i}.txt"
        path.write_bytes(distinct_page(i, "Submit")[0])
        files.append(str(path))
    result = cli("submit", "--url", ingest_api_with_relay.url, "--wait", "--timeout", "120", *files)
    assert result.exit_code == 0, result.output
    assert len(printed_ids(result.stdout)) == 3
    assert result.stdout.strip().splitlines()[-1] == "3 done"
    assert all(sub.status == "done" and sub.new_article_count == 6 for sub in rows(db_url))
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        assert len(list(session.scalars(select(Article.id)))) == 18
    engine.dispose()
