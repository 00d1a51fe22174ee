"""/rates in headless Chromium, with JavaScript off: the table and one SVG chart per pair."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest

from services.feed.app import create_app
from shared.settings import Settings
from tests.services.rates.test_api import HISTORY, SAMPLE, store
from tests.support.browser import dump_dom, needs_chromium
from tests.support.serving import serving

pytestmark = needs_chromium


@pytest.fixture
def served(settings: Settings) -> Iterator[str]:
    """The feed app on a free loopback port, served by a thread."""
    with serving(create_app(settings, watch_changes=False)) as base:
        yield base


def dump_dom_without_scripts(url: str) -> lxml.html.HtmlElement:
    # The charts are drawn on the server: the page must not need scripts.
    return lxml.html.fromstring(dump_dom(url, "--disable-javascript"))


def test_rates_page_in_chromium(served: str, settings: Settings, tmp_path: Path) -> None:
    store(settings.db_url, HISTORY)
    dom = dump_dom_without_scripts(f"{served}/rates")
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
