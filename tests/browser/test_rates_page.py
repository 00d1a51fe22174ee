"""/rates in headless Chromium, with JavaScript off: the table and one SVG chart per pair."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from werkzeug.serving import make_server

from services.feed.app import create_app
from shared.settings import Settings
from tests.services.feed.test_rates_api import HISTORY, SAMPLE, store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install chromium)"
)


@pytest.fixture
def served(settings: Settings) -> Iterator[str]:
    """The feed app on a free loopback port, served by a thread."""
    server = make_server("127.0.0.1", 0, create_app(settings, watch_changes=False), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


def dump_dom(url: str, profile: Path) -> lxml.html.HtmlElement:
    assert CHROMIUM is not None
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            # The charts are drawn on the server: the page must not need scripts.
            "--disable-javascript",
            f"--user-data-dir={profile}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    return lxml.html.fromstring(result.stdout)


def test_rates_page_in_chromium(served: str, settings: Settings, tmp_path: Path) -> None:
    store(settings.db_url, HISTORY)
    dom = dump_dom(f"{served}/rates", tmp_path / "profile")
    assert dom.findtext(".//h1") == "Currency rates"
    rows = [
        [cell.text_content().strip() for cell in row.xpath("./th|./td")][:3]
        for row in dom.xpath("//table[@class='rates']/tbody/tr")
    ]
    assert rows == [[f"{b}/{q}", r, c] for b, q, r, c in SAMPLE]
    figures = dom.xpath("//figure[@data-pair]")
    assert [f.get("data-pair") for f in figures] == [f"{b}/{q}" for b, q, _, _ in SAMPLE]
    for figure in figures:
        (svg,) = figure.xpath(".//*[local-name()='svg']")
        lines = svg.xpath(".//*[local-name()='polyline' or local-name()='path']")
        assert lines and lines[0].get("points"), lxml.html.tostring(svg)
    kgs_points = figures[0].xpath(".//*[local-name()='polyline']")[0].get("points").split()
    assert len(kgs_points) == 3  # three days of KGS/USD
