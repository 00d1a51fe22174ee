"""What a story's text holds when its page is read from its <article>s or headings."""

from __future__ import annotations

import pytest

from services.ingest.parsing import parse_page

INTRO = (
    "The exchange's new feed sends every quote as one line of JSON, so a client needs "
    "nothing more than a loop that reads lines."
)
CODE = 'for line in feed:\n    quote = json.loads(line)\n    print(quote["pair"], quote["rate"])'
OUTRO = "Each line carries the pair, the rate and the time the exchange set it, in UTC."


@pytest.mark.parametrize("wrapper", ["article", "div"])
def test_preformatted_text_stays_in_its_story(wrapper: str) -> None:
    page = parse_page(
        f"""<!DOCTYPE html><html><head><title>Developer notes</title></head><body>
<{wrapper} class="post"><h2><a href="/notes/quote-feed">Reading the quote feed</a></h2>
<p>{INTRO}</p><pre><code>{CODE}</code></pre><p>{OUTRO}</p></{wrapper}>
<{wrapper} class="post"><h2><a href="/notes/limits">Request limits</a></h2>
<p>Clients may open two connections at most; a third is refused until one closes.</p>
</{wrapper}></body></html>""".encode(),
        "text/html",
    )
    story = page.articles[0]
    assert story.title == "Reading the quote feed"
    # The code's lines, as every paragraph's, run together with single spaces.
    assert story.paragraphs == (INTRO, " ".join(CODE.replace("\n", " ").split()), OUTRO)
