"""A front page whose cards name their stories with a link, not a heading.

Many sites set a card's title as a link classed as one
(``<a class="nblock__title" href="…">``, ``<div class="card-title"><a …>``)
with its lead and a meta line (time, rubric, view count) beside it, and no
heading anywhere. Each such title heads a story: its link is the story's,
the blocks after it in its card are its text, less those classed as meta or
too short to be prose (a rubric, a count), which are left for the loose
text. Read only when a page's headings cut no story. A list item that is
one bare link (a menu's, "Read also") is never a story's text either.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .articles import Draft
from .clean import squash_space
from .html_story_meta import BoxMeta, story_boxes, story_draft
from .html_tree import Ancestry, node_text
from .stamp_day import StampDay

# "title" as a word of a class name ("nblock__title", "card-title",
# "news_title", "title"; not "subtitle" or "titles"), or the "name" of a
# story's block in BEM ("ArticleItem--name", "news-card__name"; not
# "author__name", "post-author__name", "card-rubric__name", "news-source__name",
# "footer-item-link-name").
_TITLE_CLASS = re.compile(
    r"(?<![a-z0-9])title(?![a-z0-9])"
    r"|(?<![a-z0-9])(?:article|news|story|post|item|card|entry)"
    r"(?:(?!author|user|comment|tag|cat|rubric|section|source)[a-z0-9-])*?"
    r"(?:--|__)name(?![a-z0-9])",
    re.IGNORECASE,
)
# A card's meta line and its parts: never a paragraph of its story.
_META_CLASS = re.compile(
    r"(?<![a-z0-9])(?:meta|info|date|time|views?|stats?|counters?|count|cat|category|"
    r"rubric|section|tags?|label|badge|author|byline|comments?|source|img|image|photo)"
    r"(?![a-z0-9])",
    re.IGNORECASE,
)
# Fewer cards than this are a page's boxes, not a front page's list.
_LEAST_CARDS = 2
# A lead is prose: it ends as a sentence does or has this many words.
_LEAD_WORDS = 4
# A card's lead is a teaser: a sentence or two, this long at most.
_LEAD_CHARS = 300
_SENTENCE_ENDS = '.!?…"”»'
_WORD = re.compile(r"[^\W\d_]{2,}")
# Elements that set a card's text apart as a block of its own.
_BLOCKS = "div, p, section, ul, ol, li, blockquote, h1, h2, h3, h4, h5, h6, header, footer"
_NEVER = frozenset({"body", "main", "html"})


def _word_class(node: LexborNode, pattern: re.Pattern[str]) -> bool:
    return pattern.search(node.attributes.get("class") or "") is not None


def _title_link(node: LexborNode) -> LexborNode | None:
    """The link ``node`` is or holds alone, when it goes somewhere."""
    if node.tag == "a":
        href = (node.attributes.get("href") or "").strip()
        return node if href and not href.startswith("#") else None
    links = node.css("a[href]")
    if not links:
        return _link_around(node)
    if len(links) != 1:
        return None
    link = _title_link(links[0])
    text = squash_space(node.text())
    return link if link is not None and text and squash_space(link.text()) == text else None


# A title inside its link sits this many levels below it at most.
_LINK_LEVELS = 2


def _link_around(node: LexborNode) -> LexborNode | None:
    """The link a title sits inside (``<a href><img><span class="title">…</span></a>``),
    when the link's text is the title's alone."""
    text = squash_space(node.text())
    current = node.parent
    for _ in range(_LINK_LEVELS):
        if current is None:
            return None
        if current.tag == "a":
            href = (current.attributes.get("href") or "").strip()
            same = squash_space(current.text()) == text
            return current if href and not href.startswith("#") and same else None
        current = current.parent
    return None


def card_titles(scope: LexborNode, ancestry: Ancestry) -> list[LexborNode]:
    """The elements of ``scope`` classed as a title that are (or hold) one
    link with text, outermost only, in document order."""
    found: list[LexborNode] = []
    hrefs: set[str] = set()
    for node in scope.css('[class*="title" i], [class*="name" i]'):
        if not _word_class(node, _TITLE_CLASS):
            continue
        if found and ancestry.contains(found[-1], node):
            continue
        link = _title_link(node)
        if link is None or not squash_space(node.text()):
            continue
        found.append(node)
        hrefs.add((link.attributes.get("href") or "").strip())
    return found if len(hrefs) >= _LEAST_CARDS else []


def may_be_leads(paragraphs: Sequence[str]) -> bool:
    """Whether ``paragraphs`` may all be cards' leads: teasers, none longer
    than a few sentences (a story's own text runs longer)."""
    return all(len(text) <= _LEAD_CHARS for text in paragraphs)


def _is_lead(text: str) -> bool:
    return bool(text) and (text[-1] in _SENTENCE_ENDS or len(_WORD.findall(text)) >= _LEAD_WORDS)


def _text_blocks(node: LexborNode, kept: list[LexborNode]) -> None:
    """The innermost blocks of ``node`` (itself when it holds none) that are
    no meta line, into ``kept``."""
    if _word_class(node, _META_CLASS):
        return
    inner = [child for child in node.iter() if child.css_first(_BLOCKS) or child.tag in _BLOCKS]
    if not inner:
        if _is_lead(squash_space(node.text())):
            kept.append(node)
        return
    for child in inner:
        _text_blocks(child, kept)


def _after_title(title: LexborNode, card: LexborNode) -> list[LexborNode]:
    """The text blocks that follow ``title`` in ``card``, in order."""
    kept: list[LexborNode] = []
    node = title
    while node is not None and node.mem_id != card.mem_id:
        following = node.next
        while following is not None:
            if following.tag not in ("-text", "-comment"):
                _text_blocks(following, kept)
            following = following.next
        node = node.parent
    return kept


def card_drafts(
    tree: LexborHTMLParser,
    scope: LexborNode,
    ancestry: Ancestry,
    url_of: Callable[[LexborNode], str | None],
    day: StampDay | None = None,
) -> tuple[list[Draft], list[LexborNode]]:
    """The stories of ``scope``'s title-classed card links, and the elements
    they took (titles, leads, the times and bylines read); ``day``: what a
    card's relative stamp counts from."""
    titles = card_titles(scope, ancestry)
    if not titles:
        return [], []
    boxes = [
        [level for level in levels if level.tag not in _NEVER]
        for levels in story_boxes(titles, ancestry)
    ]
    meta = BoxMeta(tree, scope, boxes, day)
    drafts: list[Draft] = []
    taken: list[LexborNode] = list(meta.read)
    for k, (title, levels) in enumerate(zip(titles, boxes, strict=True)):
        blocks = _after_title(title, levels[-1]) if levels else []
        taken.append(title)
        taken.extend(blocks)
        paragraphs = [squash_space(block.text()) for block in blocks]
        drafts.append(
            story_draft(
                squash_space(title.text()),
                paragraphs,
                url_of(title),
                meta.times[k],
                meta.authors[k],
            )
        )
    return drafts, taken


def is_link_item(node: LexborNode) -> bool:
    """A list item that is one link and nothing else ("<li><a>Other story</a></li>",
    the link maybe wrapped: "<li><span><a>…</a></span></li>")."""
    if node.tag != "li":
        return False
    link = None
    for inner in node.traverse():  # the item itself first, then what it holds
        if inner.tag == "a":
            if link is not None:
                return False
            link = inner
    return link is not None and node_text(link).strip() == node_text(node).strip()


# What a teaser set in a <div> beside its heading must not hold: blocks of its own.
_INNER_BLOCKS = "p, div, ul, ol, li, table, h1, h2, h3, h4, h5, h6, section, article"


def teaser_after(heading: LexborNode) -> LexborNode | None:
    """The teaser set in a <div> or <span> right after a card's heading (or
    after the element holding the heading alone), when the heading has no
    paragraph under it: text of its own, no blocks inside, no meta line, and
    as long as a lead is."""
    node: LexborNode | None = heading
    for _ in range(2):
        if node is None:
            return None
        sibling = _next_element(node)
        if sibling is not None:
            return sibling if _is_teaser(sibling) else None
        parent = node.parent
        if parent is None or squash_space(parent.text()) != squash_space(heading.text()):
            return None
        node = parent
    return None


def _next_element(node: LexborNode) -> LexborNode | None:
    following = node.next
    while following is not None and following.tag == "-text":
        if (following.text_content or "").strip():
            return None  # text right after the heading: no teaser element
        following = following.next
    return following


def _is_teaser(node: LexborNode) -> bool:
    if node.tag not in ("div", "span") or _word_class(node, _META_CLASS):
        return False
    # (A query matches its scope too.)
    if any(inner.mem_id != node.mem_id for inner in node.css(_INNER_BLOCKS)):
        return False
    text = squash_space(node.text())
    return len(text) <= _LEAD_CHARS and _is_lead(text)


# Boxes beside a front page's stories whose headings head no story: a
# newsletter's sign-up, comments, a sidebar's lists of stories told elsewhere.
_BOX_NAMES = re.compile(
    r"newsletter|subscri|signup|sign-up|comment|sidebar|related|popular|most-?read|trending"
    r"|recommend|cookie|consent|advert",
    re.IGNORECASE,
)
# A heading's box stands this many levels above it at most.
_BOX_LEVELS = 4


def in_side_box(heading: LexborNode) -> bool:
    """Whether ``heading`` stands in a box named as one beside the stories
    (``<section class="newsletter-signup"><h2>Get the newsletter</h2>``)."""
    current = heading.parent
    for _ in range(_BOX_LEVELS):
        if current is None or current.tag in _NEVER:
            return False
        names = f"{current.attributes.get('class') or ''} {current.attributes.get('id') or ''}"
        if names.strip() and _BOX_NAMES.search(names) is not None:
            return True
        current = current.parent
    return False
