"""The article-extraction corpus: real pages from many sites, scored as its README says.

silkfeed is measured on pages it was never tuned to, so this floor guards the
whole corpus's score, not any single page.
"""

from __future__ import annotations

from services.ingest.parsing import parse_page
from tests.support.extraction import (
    PageScore,
    corpus_pages,
    corpus_score,
    page_score,
)

# Set from what the extractor reaches on the corpus, a little below it.
F1_FLOOR = 0.97


def predicted_body(html: bytes) -> str:
    """The body of the article a reader would call the page's: the longest one."""
    page = parse_page(html, "text/html")
    best = max(page.articles, key=lambda a: sum(map(len, a.paragraphs)), default=None)
    return "\n".join(best.paragraphs) if best is not None else ""


def test_corpus_f1_stays_above_floor() -> None:
    pages = list(corpus_pages())
    assert len(pages) == 91
    score = corpus_score(page_score(page.truth, predicted_body(page.html)) for page in pages)
    assert score.pages == 91
    assert score.f1 >= F1_FLOOR, score


def test_score_follows_the_readme() -> None:
    perfect = page_score("one two three four five", "one two three four five")
    assert perfect == PageScore(1.0, 0.0, 0.0)
    nothing = page_score("one two three four five", "")
    assert nothing == PageScore(0.0, 0.0, 1.0)
    # Short texts are one shingle of what they have.
    assert page_score("just three words", "just three words").tp == 1.0
    half = page_score("a b c d e", "a b c d x")  # shingles: abcd, bcde vs abcd, bcdx
    assert (half.tp, half.fp, half.fn) == (1 / 3, 1 / 3, 1 / 3)
    score = corpus_score([perfect, nothing, half])
    assert score.precision == (1.0 + 0.0 + 0.5) / 3
    assert score.recall == (1.0 + 0.0 + 0.5) / 3
