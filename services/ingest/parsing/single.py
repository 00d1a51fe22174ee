"""A page that holds one article: its main content, headline, authors, times and link."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .articles import Draft
from .clean import PARAGRAPH_BREAK, strip_forbidden
from .extract import HEADING_TAGS, Extraction, main_content
from .html_blocks import text_of
from .html_byline import MAX_AUTHORS, body_authors, paragraph_byline
from .html_printed_time import article_box, printed_meta
from .notes import Notes
from .structured import PageFacts
from .ticker import is_ticker_line

# Text found this much shorter than the page's JSON-LD articleBody missed the story.
_BODY_SHARE = 0.6
_MAX_TITLE = 300
# The page's <article> holding less of its text than this is a card, not the story.
_SCOPE_SHARE = 0.2
_CONTENT_NAMES = (
    ".entry-content, .post-content, .article-body, .article-content, .story-body, "
    ".post-body, #content, .content"
)
# What microdata marks as an article's body.
ARTICLE_BODY = '[itemprop~="articleBody" i]'
_LINE = re.compile(r"\S(?:[^\n]*\S)?")
# What sets a site's name apart in a <title>: a spaced dash or bar.
_TITLE_SEPARATOR = re.compile(r"\s[-–—|]\s")
_WORD = re.compile(r"\w+")
# A story's headline has this many words at least; a site's name fewer.
_HEADLINE_WORDS = 4
# More <article>s than this make a list of teasers: the page is read whole.
_MAX_SCOPES = 8
# A text with a line break for every this many characters or fewer is mostly
# blank lines (hostile input): a regex finds its lines, skipping a run of
# breaks in one step. Shorter lines of text are split: a regex's match costs
# as much as a dozen pieces of a split, whatever their length.
_DENSE_LINES = 4


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


def _scope(
    tree: LexborHTMLParser,
    body: LexborNode,
    body_text: str | None,
    article_bodies: list[LexborNode] | None = None,
) -> tuple[LexborNode, tuple[str, int, int] | None]:
    """Where the story is looked for: the page's one <article> or what holds
    its one microdata articleBody (of a few such, the longest; else its
    <main>, else an element named as content systems name their content),
    when that holds a fair share of the page's text; else the whole body.

    The story is in it, and the blocks of menus, sidebars and footers outside
    it are never measured (a third of the page's time or more); their lines
    are told as left out: the first, the characters and the count.
    """
    # (A tag lookup: a third of a selector query's time.)
    marked = tree.tags("article")
    if len(marked) != 1:
        if article_bodies is None:
            article_bodies = body.css(ARTICLE_BODY)
        marked = [node.parent or node for node in article_bodies] or marked
    if not marked:
        # The page's dominant content, as the HTML Standard and ARIA name it.
        # (Each selector of a list costs the engine a walk of the tree: a
        # page without a <main>, told by a tag lookup at a third of a walk's
        # cost, is asked for the role alone.)
        marked = body.css("main, [role=main]" if tree.tags("main") else "[role=main]")
    if not marked:
        # The content elements content systems name so (WordPress's entry-content…).
        marked = body.css(_CONTENT_NAMES)
    if not marked or len(marked) > _MAX_SCOPES:
        return body, None
    everything = lines(body_text if body_text is not None else page_text(body))
    # The text of boxes of teasers, which is no share of the page's story text.
    listed = 0
    if len(marked) > 1:
        texts = [_lines(node) for node in marked]
        sizes = [sum(map(len, text)) for text in texts]
        candidates, listed = _not_lists(marked, sizes)
        longest = max(candidates, key=sizes.__getitem__)
        marked = [marked[longest]]
        inside = texts[longest]
    else:
        inside = _lines(marked[0])
    total = sum(map(len, everything))
    outside_chars = total - sum(map(len, inside))
    if not inside or outside_chars - listed > (1 - _SCOPE_SHARE) * (total - listed):
        return body, None
    if len(everything) == len(inside):
        return marked[0], None
    # The first line outside: before the article, or else after it.
    first = everything[0] if everything[0] != inside[0] else everything[len(inside)]
    return marked[0], (strip_forbidden(first), outside_chars, len(everything) - len(inside))


def _not_lists(marked: list[LexborNode], sizes: list[int]) -> tuple[list[int], int]:
    """The places in ``marked`` (with their text's ``sizes``) of all but the
    lists of others and their items, and the size of those lists: an element
    whose text is mostly that of others among them (a box of teasers, "You
    may also like", each card an <article>) is no story, however much its
    cards add up to, and its cards are teasers. A story holding its readers'
    comments as <article>s has most of its text outside them."""
    place = {node.mem_id: i for i, node in enumerate(marked)}
    held = [0] * len(marked)
    cards = [0] * len(marked)
    outer_of = [-1] * len(marked)
    for i, node in enumerate(marked):
        current = node.parent
        while current is not None:
            outer = place.get(current.mem_id)
            if outer is not None:
                held[outer] += sizes[i]
                cards[outer] += 1
                outer_of[i] = outer
                break
            current = current.parent
    # A list's own text (its heading, "You may also like") is less than one
    # of its cards holds on average; a story's own text, beside a box of
    # cards or its readers' comments inside it, runs longer.
    lists = [
        2 * held[i] > sizes[i] and (sizes[i] - held[i]) * cards[i] < held[i]
        for i in range(len(marked))
    ]
    carded = [False] * len(marked)  # inside a list: a card, or a list in it
    for i in range(len(marked)):
        outer = outer_of[i]
        while outer >= 0 and not lists[outer]:
            outer = outer_of[outer]
        carded[i] = outer >= 0
    kept = [i for i in range(len(marked)) if not (lists[i] or carded[i])]
    own = max((sizes[i] - held[i] for i in range(len(marked)) if lists[i]), default=0)
    if not kept or own > max(sizes[i] for i in kept):
        # What is left is shorter than a list's own text: no story, the
        # lists are not told apart.
        return list(range(len(marked))), 0
    outermost = zip(sizes, lists, carded, strict=True)
    return kept, sum(size for size, is_list, in_list in outermost if is_list and not in_list)


def page_text(node: LexborNode) -> str:
    """The text under ``node``, a line break between any two of its texts.

    The texts of nothing but spaces and line breaks (the source's indents
    between tags) hold no line and are left out, at C speed: the text is
    built in three quarters of the time and is a third shorter to search.
    """
    return node.text(separator="\n", skip_empty=True)


def lines(text: str) -> list[str]:
    """The lines of ``text`` that hold more than white space, less the space around them.

    (Split, stripped and filtered at C speed: three times faster than a
    regular expression finding them, unless the text is mostly line breaks.
    The split stops at the line break that makes the text "mostly line
    breaks", and its pieces tell whether there is one more: no count of the
    line breaks, a sixth of the split's time, first. A page of short lines,
    a dozen characters each, is no such text: split, its lines take a third
    of the regex's time.)
    """
    most = len(text) // _DENSE_LINES
    pieces = text.split("\n", most)
    if len(pieces) > most and "\n" in pieces[-1]:
        return _LINE.findall(text)
    return list(filter(None, map(str.strip, pieces)))


def _lines(node: LexborNode) -> list[str]:
    """The lines of text under ``node`` less the space around them."""
    return lines(page_text(node))


def read_single(
    tree: LexborHTMLParser,
    facts: PageFacts,
    heading: str | None,
    clean: bool = True,
    body_text: str | None = None,
    article_bodies: list[LexborNode] | None = None,
) -> SingleArticle:
    """The page's article from ``tree`` (invisible elements already dropped).

    ``clean``: whether the page's text may spell characters XML forbids.
    ``body_text``: the body's text, lines separated by newlines, when the
    caller has it. ``article_bodies``: the body's elements marked as an
    article's body (ARTICLE_BODY), when the caller has queried them.
    """
    body = tree.body
    if body is None:  # Lexbor always builds one
        return SingleArticle(None, Notes())
    title = facts.headline or heading
    scope, outside = _scope(tree, body, body_text, article_bodies)
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
        for text in _paragraphs(block.text):
            if is_ticker_line(text):
                # The ticker's quotes, read as the page's quotes: no paragraph.
                continue
            names = paragraph_byline(text)
            if names is not None:
                notes.add("byline", text)
                printed.extend(name for name in names if name not in printed)
                continue
            paragraphs.append(text)
    authors, published, modified = _authors_and_times(tree, facts, found, printed)
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
        published=published,
        authors=tuple(authors[:MAX_AUTHORS]),
        modified=modified,
    )
    return SingleArticle(draft, notes)


def _authors_and_times(
    tree: LexborHTMLParser, facts: PageFacts, found: Extraction, printed: list[str]
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
            shown = printed_meta(where, texts[0], times=times, authors=outlet)
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
