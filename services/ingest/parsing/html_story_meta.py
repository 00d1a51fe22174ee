"""What a front page prints beside a story's headline: its time and its byline.

A front page sets each story in a box (a card, a list item, an ``<article>``)
whose headline sits among a line of meta — "By Dana Omarova · 2 December
2026", a ``<time datetime>`` — that is no paragraph of the story. The box is
found from the headline up, as far as it holds no other story's headline;
the page's times and byline elements are each looked up once, and each goes
to the box it is in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .articles import Draft
from .bylines import byline_authors
from .clean import squash_space
from .dates import parse_iso_datetime
from .html_byline import author_names
from .html_tree import Ancestry

# Cards nest a headline a few elements deep (a link in a heading in a title
# box in the card); past this the box would be a page section.
_MAX_LEVELS = 4
_NEVER_A_BOX = frozenset({"body", "main", "html"})
# How far up from a time or a byline element its box is looked for.
_MAX_DEPTH = 12
_BYLINES = (
    '[rel~="author" i], [itemprop="author"], [class*="byline" i], [id*="byline" i],'
    ' [class*="author" i]'
)


def story_box(
    heading: LexborNode,
    before: LexborNode | None,
    after: LexborNode | None,
    ancestry: Ancestry,
) -> LexborNode | None:
    """The outermost element around ``heading``, a few levels up at most, that
    holds neither of its neighbouring headings (``before``, ``after``): the
    story's own box, or None when its parent holds another story already."""
    box = None
    node = heading.parent
    for _ in range(_MAX_LEVELS):
        if node is None or node.tag in _NEVER_A_BOX:
            break
        if (before is not None and ancestry.contains(node, before)) or (
            after is not None and ancestry.contains(node, after)
        ):
            break
        box = node
        node = node.parent
    return box


class BoxMeta:
    """The first time and the byline printed in each of a page's story boxes."""

    def __init__(
        self,
        tree: LexborHTMLParser,
        scope: LexborHTMLParser | LexborNode,
        boxes: Sequence[LexborNode | None],
        *,
        times: bool = True,
    ) -> None:
        """``scope``: where the boxes are; ``times``: look for the boxes' times too."""
        self._index = {box.mem_id: k for k, box in enumerate(boxes) if box is not None}
        self.times: list[datetime | None] = [None] * len(boxes)
        self.authors: list[tuple[str, ...]] = [()] * len(boxes)
        if not self._index:
            return
        for node in tree.tags("time") if times else ():
            k = self._box_of(node)
            if k is not None and self.times[k] is None:
                self.times[k] = parse_iso_datetime(node.attributes.get("datetime") or "")
        for node in scope.css(_BYLINES):
            k = self._box_of(node)
            if k is not None and not self.authors[k]:
                # Each piece of text of its own: "By", the name's link, a date.
                self.authors[k] = tuple(author_names(node.text(separator="|")))

    def _box_of(self, node: LexborNode) -> int | None:
        current = node.parent
        for _ in range(_MAX_DEPTH):
            if current is None:
                return None
            k = self._index.get(current.mem_id)
            if k is not None:
                return k
            current = current.parent
        return None


def story_draft(
    title: str,
    paragraphs: list[str],
    url: str | None,
    published: datetime | None = None,
    authors: tuple[str, ...] = (),
) -> Draft:
    """A story's draft, its leading byline paragraphs ("By Dana Omarova") read as
    its authors; else ``authors``, its box's byline."""
    named: list[str] = []
    start = 0
    while start < len(paragraphs):
        names = byline_authors(squash_space(paragraphs[start]))
        if names is None:
            break
        named.extend(names)
        start += 1
    found = tuple(dict.fromkeys(named)) or authors
    return Draft(title, paragraphs[start:], url, published, authors=found)
