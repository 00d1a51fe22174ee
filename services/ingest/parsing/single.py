"""A page that holds one article: its main content, headline, authors, times and link."""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from .articles import Draft
from .extract import HEADING_TAGS, main_content
from .html_blocks import text_of
from .html_byline import MAX_AUTHORS, body_authors, paragraph_byline
from .notes import Notes
from .structured import PageFacts

# Text found this much shorter than the page's JSON-LD articleBody missed the story.
_BODY_SHARE = 0.6
_MAX_TITLE = 300


@dataclass(slots=True)
class SingleArticle:
    draft: Draft | None
    notes: Notes


def first_heading(tree: LexborHTMLParser) -> str | None:
    """The text of the page's first <h1>, read before the tree is changed."""
    node = tree.body.css_first("h1") if tree.body is not None else None
    text = text_of(node) if node is not None else ""
    return text[:_MAX_TITLE] or None


def read_single(
    tree: LexborHTMLParser, facts: PageFacts, heading: str | None, clean: bool = True
) -> SingleArticle:
    """The page's article from ``tree`` (invisible elements already dropped).

    ``clean``: whether the page's text may spell characters XML forbids.
    """
    body = tree.body
    if body is None:  # Lexbor always builds one
        return SingleArticle(None, Notes())
    found = main_content(body, clean)
    notes = found.left_out
    title = facts.headline or heading
    paragraphs = []
    printed: list[str] = []
    for block in found.blocks:
        if block.tag in HEADING_TAGS and (block.tag == "h1" or block.text == title):
            notes.add("headline", block.text)
            continue
        names = paragraph_byline(block.text)
        if names is not None:
            notes.add("byline", block.text)
            printed.extend(name for name in names if name not in printed)
            continue
        paragraphs.append(block.text)
    if not facts.authors and not printed:
        for block in found.lead:
            printed.extend(paragraph_byline(block.text) or ())
    # The page's structured data names the authors best; else its printed byline.
    authors = facts.authors or printed or body_authors(body)
    if facts.body and _BODY_SHARE * len(facts.body) > sum(map(len, paragraphs)):
        # A cross-check: the page's own statement of its body, when the
        # blocks found hold far less (a wrong container). Otherwise the
        # blocks, in the page's own paragraphs: an articleBody often glues
        # them into one line, or carries photo captions and notes.
        paragraphs = [line for line in facts.body.splitlines() if line.strip()]
    if not title:
        notes.warn("no headline found")
        title = paragraphs[0][:_MAX_TITLE] if paragraphs else ""
    if not paragraphs:
        notes.warn("no article text found")
    draft = Draft(
        title,
        paragraphs,
        url=facts.url,
        published=facts.published,
        authors=tuple(authors[:MAX_AUTHORS]),
        modified=facts.modified,
    )
    return SingleArticle(draft, notes)
