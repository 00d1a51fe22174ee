"""A JSON-LD articleBody that holds the story's markup is read as text."""

from __future__ import annotations

import html
import json

import pytest

from services.ingest.parsing import parse_page
from services.ingest.parsing.structured import body_text

PARAGRAPHS = (
    "Uzbekistan will open its third metro line in Tashkent on Friday, the city said.",
    "The line runs 21 km & links the airport with the northern districts.",
)
MARKUP = (
    f'<p>{html.escape(PARAGRAPHS[0])}</p><div class="ad"><script>ad()</script></div>'
    f'<p>The line runs <a href="/km">21 km</a> &amp; links the airport with the northern '
    f"districts.</p>"
)


@pytest.mark.parametrize("body", [MARKUP, html.escape(MARKUP)], ids=["markup", "escaped"])
def test_markup_in_article_body_is_its_text(body: str) -> None:
    assert body_text(body) == "\n".join(PARAGRAPHS)
    ld = {"@type": "NewsArticle", "headline": "Tashkent metro line opens", "articleBody": body}
    # "</" written "<\\/" inside the <script>, as pages write it.
    script = json.dumps(ld).replace("</", "<\\/")
    page = parse_page(
        (
            "<html><head><script type='application/ld+json'>"
            f"{script}</script></head>"
            "<body><h1>Tashkent metro line opens</h1>"
            "<p>Read the story in our app.</p></body></html>"
        ).encode(),
        "text/html",
    )
    [article] = page.articles
    assert article.paragraphs == PARAGRAPHS


def test_plain_article_body_is_kept_as_it_is() -> None:
    plain = "Rates rose 5% as 3 < 4 and a&b stayed.\nSecond line."
    assert body_text(plain) == plain
