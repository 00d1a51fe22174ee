"""A page that holds one article: its main content, headline, authors, times and link."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .articles import Draft
from .chrome_lines import is_credit_paragraph, is_prompt, is_rights_notice
from .clean import PARAGRAPH_BREAK
from .extract import HEADING_TAGS, Extraction, main_content
from .html_blocks import text_of
from .html_byline import MAX_AUTHORS, body_authors, names_and_date, paragraph_byline
from .html_printed_time import article_box, printed_meta
from .html_scope import story_scope
from .notes import Notes
from .stamp_day import StampDay
from .structured import PageFacts
from .ticker import is_ticker_line

# Text found this much shorter than the page's JSON-LD articleBody missed the story.
_BODY_SHARE = 0.6
# A byline line stands among the text's first few.
_BYLINE_LINES = 3
_MAX_TITLE = 300
# What sets a site's name apart in a <title>: a spaced dash, bar, double
# colon or guillemet ("Story :: Казинформ", "Story » Site").
_TITLE_SEPARATOR = re.compile(r"\s(?:[-–—|»]|::)\s")
_WORD = re.compile(r"\w+")
# A story's headline has this many words at least; a site's name fewer.
_HEADLINE_WORDS = 4


@dataclass(slots=True)
class SingleArticle:
    draft: Draft | None
    notes: Notes


def first_heading(tree: LexborHTMLParser) -> str | None:
    """The page's headline as its markup shows it, read before the tree is
    changed: its first <h1>, unless that looks like the site's name (a logo:
    none of the <title>'s words, and fewer), then its <title> without the
    site's name."""
    return markup_headline(tree)[1] or None


def markup_headline(tree: LexborHTMLParser) -> tuple[str, str, tuple[str, ...]]:
    """The text of the page's first <h1>, the headline ``first_heading`` gives,
    and the story the page's <title> names, lower-cased, in the forms it may
    take (``_named_stories``)."""
    node = _first_h1(tree)
    heading = text_of(node)[:_MAX_TITLE] if node is not None else ""
    title_node = tree.head.css_first("title") if tree.head is not None else None
    full = text_of(title_node) if title_node is not None else ""
    title = _story_title(full) if full else ""
    named = _named_stories(full, title)
    if not title or (heading and not _logo(heading, title)):
        return heading, heading, named
    return heading, title[:_MAX_TITLE], named


def _first_h1(tree: LexborHTMLParser) -> LexborNode | None:
    """The page's first <h1>, which the parser always puts in its body."""
    if tree.body is None:
        return None
    # A tag lookup: a CSS query's first match costs three times as much,
    # the selector parsed and each element tested through the engine.
    return next(iter(tree.tags("h1")), None)


def _named_stories(full: str, title: str) -> tuple[str, ...]:
    """The story a <title> (``full``) names, lower-cased: before the site's
    name it ends with (``title``, as ``_story_title`` reads it), or before
    the section and the site's name ("Story - News - Site"). None of fewer
    words than a headline has: a site's or a section's name."""
    first = _TITLE_SEPARATOR.search(full)
    forms = (title, full[: first.start()].strip()) if first is not None else (title,)
    return tuple(
        dict.fromkeys(
            form.casefold() for form in forms if len(_WORD.findall(form)) >= _HEADLINE_WORDS
        )
    )


def names_its_story(tree: LexborHTMLParser, h1: str) -> bool:
    """Whether the page's first <h1> (``h1``) is its own story's headline: the
    page's <title> names that story before the site's name, and the <h1> links
    nowhere (a front page's <h1> is the site's name, linked to its home)."""
    if len(_WORD.findall(h1)) < _HEADLINE_WORDS or tree.head is None or tree.body is None:
        return False
    title_node = tree.head.css_first("title")
    if title_node is None or _story_title(text_of(title_node)).casefold() != h1.casefold():
        return False
    node = _first_h1(tree)
    if node is None or node.css_first("a") is not None:
        return False
    current = node.parent
    while current is not None:
        if current.tag == "a":
            return False
        current = current.parent
    return True


def _story_title(title: str) -> str:
    """A <title> less the site's name it ends with ("Story - Site", "Story | Site")."""
    separators = list(_TITLE_SEPARATOR.finditer(title))
    story = title[: separators[-1].start()].strip() if separators else ""
    return story if len(_WORD.findall(story)) >= 2 else title


def _logo(heading: str, title: str) -> bool:
    """Whether an <h1> is the site's name rather than the story the <title> names:
    it has none of the title's words, and fewer words than the title."""
    words = {word.casefold() for word in _WORD.findall(heading)}
    title_words = [word.casefold() for word in _WORD.findall(title)]
    return not words.intersection(title_words) and len(words) < len(title_words)


def _paragraphs(text: str) -> list[str]:
    """A block's paragraphs: itself, or its pieces between paragraph breaks."""
    if PARAGRAPH_BREAK not in text:
        return [text]
    return [piece for piece in map(str.strip, text.split(PARAGRAPH_BREAK)) if piece]


def read_single(
    tree: LexborHTMLParser,
    facts: PageFacts,
    heading: str | None,
    clean: bool = True,
    body_text: str | None = None,
    article_bodies: list[LexborNode] | None = None,
    stamp_from: tuple[date | None, datetime | None] = (None, None),
) -> SingleArticle:
    """The page's article from ``tree`` (invisible elements already dropped).

    ``clean``: whether the page's text may spell characters XML forbids.
    ``body_text``: the body's text, lines separated by newlines, when known.
    ``article_bodies``: the body's elements marked as an article's body, when queried.
    ``stamp_from``: the page's date and when it was received, which a
    printed "Вчера, 18:40" counts from (the first known).
    """
    body = tree.body
    if body is None:  # Lexbor always builds one
        return SingleArticle(None, Notes())
    title = facts.headline or heading
    scope, outside = story_scope(tree, body, body_text, article_bodies)
    found = main_content(scope, clean, title)
    if scope is not body and not any(block.tag not in HEADING_TAGS for block in found.blocks):
        # The element taken for the story's holds none of its text: the page is read whole.
        scope, outside = body, None
        found = main_content(scope, clean, title)
    notes = found.left_out
    if outside is not None:
        notes.add("outside the article", *outside)
    paragraphs = []
    printed: list[str] = []
    for block in found.blocks:
        if block.tag in HEADING_TAGS and (block.tag == "h1" or block.text == title):
            notes.add("headline", block.text)
            continue
        for text in _paragraphs(block.text) if PARAGRAPH_BREAK in block.text else (block.text,):
            if is_ticker_line(text):
                # The ticker's quotes, read as the page's quotes: no paragraph.
                continue
            names = paragraph_byline(text)
            if names is not None:
                notes.add("byline", text)
                printed.extend(name for name in names if name not in printed)
                continue
            if is_credit_paragraph(text):
                notes.add("captions", text)
                continue
            paragraphs.append(text)
    _drop_end_matter(paragraphs, notes)
    day = StampDay(*stamp_from, notes)
    authors, published, modified = _authors_and_times(tree, facts, found, printed, day)
    _drop_printed_bylines(paragraphs, authors, notes)
    squashed = not facts.body or _BODY_SHARE * len(facts.body) <= sum(map(len, paragraphs))
    if not squashed:
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
        published=published,
        authors=tuple(authors[:MAX_AUTHORS]),
        modified=modified,
        squashed=squashed,
    )
    return SingleArticle(draft, notes)


def _drop_printed_bylines(paragraphs: list[str], authors: Sequence[str], notes: Notes) -> None:
    """The byline block printed as a line of the text ("Joanna Lillis Dec 3,
    2026") among its first lines, and the author's name alone signing its end
    ("Фарангис Ахмедова"): no paragraphs."""
    if not authors:
        return
    for k, text in enumerate(paragraphs[:_BYLINE_LINES]):
        if names_and_date(text, authors):
            notes.add("byline", text)
            del paragraphs[k]
            break
    for k in range(len(paragraphs) - 1, max(len(paragraphs) - _BYLINE_LINES, 0) - 1, -1):
        if paragraphs[k] in authors and len(paragraphs) > 1:
            notes.add("byline", paragraphs.pop(k))
            break


def _drop_end_matter(paragraphs: list[str], notes: Notes) -> None:
    """The prompts to subscribe or follow that close a story's text are the
    outlet's, not the story's. A copyright or reprint notice found alone (a
    footer line in no <footer> on a page with no story) is no article; under a
    story's text it is the story's, as a wire copy's "© 2026 The Associated
    Press" is."""
    while paragraphs and is_prompt(paragraphs[-1]):
        notes.add("boilerplate", paragraphs.pop())
    if len(paragraphs) == 1 and is_rights_notice(paragraphs[0]):
        notes.add("boilerplate", paragraphs.pop())


def _authors_and_times(
    tree: LexborHTMLParser,
    facts: PageFacts,
    found: Extraction,
    printed: list[str],
    day: StampDay,
) -> tuple[list[str], datetime | None, datetime | None]:
    """The article's authors, published and modified times: as its structured
    data states them, else as it prints them (``printed``: the names of its
    byline paragraphs; ``found``: its blocks)."""
    named = facts.authors if not facts.organisation_authors else []
    if not named and not printed:
        for block in found.lead:
            printed.extend(paragraph_byline(block.text) or ())
    texts = [block.node for block in found.blocks if block.tag not in HEADING_TAGS]
    # What the article prints above its text: its time, without structured
    # data's; its byline, when structured data names an organisation only.
    times = facts.published is None
    outlet = facts.organisation_authors and not printed
    shown = None
    if texts and (times or outlet):
        where = article_box(tree, texts[0], texts[-1])
        if where is not None:
            shown = printed_meta(where, texts[0], times=times, authors=outlet, day=day)
    # The page's structured data names the authors best; else its printed
    # byline; else an organisation the structured data names (the outlet),
    # unless the article prints a person's byline above its text.
    authors = named or printed
    if not authors:
        if not facts.organisation_authors:
            authors = body_authors(tree.body) if tree.body is not None else []
        elif shown is not None:
            authors = shown.authors
        authors = authors or facts.authors
    if times and shown is not None:
        return authors, shown.published, facts.modified or shown.modified
    return authors, facts.published, facts.modified
