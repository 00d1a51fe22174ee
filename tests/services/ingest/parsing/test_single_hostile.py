"""Single-article pages built to be slow: every step of the extraction stays linear."""

from __future__ import annotations

import time

import pytest

from services.ingest.parsing import html_depth, parse_page

_ARTICLE = b'<meta property="og:type" content="article">'


@pytest.mark.parametrize(
    "unit",
    [
        '<div itemprop="about">{x}',  # microdata facts, each asked whether it holds a <p>
        '<div class="share">{x}',  # furniture inside furniture
        "<ul><li>{x}",
        "<div>{x}<a href='/'>{x}</a>",
    ],
)
def test_deeply_nested_single_article_parses_in_linear_time(unit: str) -> None:
    levels = (html_depth.UNCHECKED_TAGS - 8) // unit.count("<")
    filler = "word " * (1_000_000 // 5 // levels)
    body = _ARTICLE + (unit.format(x=filler) * levels).encode() + b"<p>The story.</p>"
    started = time.perf_counter()
    page = parse_page(body, "text/html")
    assert time.perf_counter() - started < 5.0
    assert len(page.articles) <= 1
