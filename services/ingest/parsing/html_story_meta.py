"""What a front page prints beside a story's headline: its time and its byline.

A front page sets each story in a box (a card, a list item, an ``<article>``)
whose headline sits among a line of meta — "By Dana Omarova · 2 December
2026", a ``<time datetime>`` — that is no paragraph of the story. The box is
found from the headline up, as far as it holds no other story's headline;
the page's times and byline elements are each looked up once, and each goes
to the box it is in, however deep in it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TypeVar

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .articles import Draft
from .bylines import byline_authors
from .clean import squash_space
from .dates import MAX_DATE_LINE, DateLine, parse_iso_datetime, read_date_line
from .html_byline import BYLINE_SELECTOR, author_names
from .html_story_set import nearest_marked
from .html_tree import Ancestry
from .stamp_day import StampDay

T = TypeVar("T")

# Cards nest a headline a few elements deep (a link in a heading in a title
# box in the card); past this the box would be a page section.
_MAX_LEVELS = 4
_NEVER_A_BOX = frozenset({"body", "main", "html"})
# A card prints its time and its byline once or twice. Each element tried is
# read for its text, which holds all the text nested in it: past this many
# reads in one story's box the elements are a hostile page's nesting, and
# reading on would take time quadratic in its depth. Only an element that may
# hold the value is read and counted ("candidate", "update" and "validated"
# match the date selector too but are skipped unread: they cost nothing, and
# any number of them leaves the box's real time found).
_MAX_TRIES = 16
# Up to this many stories, their boxes are searched for times and bylines
# one by one rather than the whole page at once.
_FEW_BOXES = 12
# Microdata marks a card's publication time too, in ``content`` or as the
# text it prints (``<span itemprop="datePublished">4 December 2026</span>``).
_DATED = '[class*="date" i], [class*="time" i], [itemprop*="date" i]'
# Of those, the ones with "date" as a word of a class name ("item__date",
# "post-date", "date").
_DATE_CLASS = re.compile(r"(?<![a-z0-9])(?:date|time)(?![a-z0-9])", re.IGNORECASE)
# The dates microdata names, lower-cased; the first two are a publication's.
DATE_PROPERTIES = ("datepublished", "datecreated", "datemodified")
# Past this, an element's text is more than a date line (read_date_line's own
# bound), and is not squashed to find out.
_MAX_DATE_TEXT = 4 * MAX_DATE_LINE


def story_boxes(headings: Sequence[LexborNode], ancestry: Ancestry) -> list[list[LexborNode]]:
    """Each story's box (``story_box``), its headline given in document order."""
    last = len(headings) - 1
    return [
        story_box(
            heading,
            headings[k - 1] if k else None,
            headings[k + 1] if k < last else None,
            ancestry,
        )
        for k, heading in enumerate(headings)
    ]


def story_box(
    heading: LexborNode,
    before: LexborNode | None,
    after: LexborNode | None,
    ancestry: Ancestry,
) -> list[LexborNode]:
    """The elements around ``heading``, from its parent up, a few levels at most,
    that hold neither of its neighbouring headings (``before``, ``after``): the
    story's own box and the boxes within it, innermost first (none when its
    parent holds another story already)."""
    levels: list[LexborNode] = []
    node = heading.parent
    for _ in range(_MAX_LEVELS):
        if node is None or node.tag in _NEVER_A_BOX:
            break
        if (before is not None and ancestry.contains(node, before)) or (
            after is not None and ancestry.contains(node, after)
        ):
            break
        levels.append(node)
        node = node.parent
    return levels


class BoxMeta:
    """The time and the byline printed nearest each story's headline, in its box.

    Of the times (and bylines) in a story's box, the one in the innermost of
    its levels is the story's (then the first): a card's own time, not that of
    a widget the box also holds.
    """

    def __init__(
        self,
        tree: LexborHTMLParser,
        scope: LexborHTMLParser | LexborNode,
        boxes: Sequence[Sequence[LexborNode]],
        day: StampDay | None = None,
        one_query: bool = False,
    ) -> None:
        """``scope``: where the boxes are; ``day``: what a card's "Вчера,
        18:40" or "3 декабря" counts from; ``one_query``: the scope holds
        little besides the boxes, and is looked through in one query."""
        self._one_query = one_query
        # Each box level's story and level; and, as they are walked through,
        # the other elements': the box they are in, or None.
        self._index: dict[int, tuple[int, int] | None] = {
            node.mem_id: (k, level)
            for k, levels in enumerate(boxes)
            for level, node in enumerate(levels)
        }
        self.times: list[datetime | None] = [None] * len(boxes)
        self.authors: list[tuple[str, ...]] = [()] * len(boxes)
        # The elements whose time or byline a story took: its text, not left out.
        self.read: list[LexborNode] = []
        if not self._index:
            return
        # A <time datetime> first, then an element classed as a date whose text
        # is one ("2 декабря 2026, 14:35"), as many sites print a card's time.
        dated = (node for node in self._query(scope, boxes, _DATED) if _dates_publication(node))
        read = functools.partial(stated_time, day=day)
        # (A tag lookup walks the whole tree; a scope holding little besides
        # the boxes is walked by a query of its own.)
        times = scope.css("time") if one_query else tree.tags("time")
        self._fill([*times, *dated], read, self.times)
        # Cards print the same byline again and again ("By|TCA Staff"): each
        # text's names are found once.
        names: dict[str, tuple[str, ...]] = {}

        def byline_names(node: LexborNode) -> tuple[str, ...]:
            # Each piece of text of its own: "By", the name's link, a date.
            text = node.text(separator="|")
            found = names.get(text)
            if found is None:
                found = names[text] = tuple(author_names(text))
            return found

        self._fill(self._query(scope, boxes, BYLINE_SELECTOR), byline_names, self.authors)

    def _query(
        self,
        scope: LexborHTMLParser | LexborNode,
        boxes: Sequence[Sequence[LexborNode]],
        selector: str,
    ) -> list[LexborNode]:
        """The elements of ``scope`` matching ``selector`` that may be in a box, in
        document order: those of each story's outermost level, when the stories
        are few.

        No two stories' boxes overlap (a level holds no other story's headline),
        and the stories come in document order, so the boxes' matches are the
        scope's that are in a box, in the same order. Each query costs a test of
        every element it walks for each attribute selector, plus a fixed price
        of some fifteen elements' tests: a few cards walk a fraction of a page."""
        if self._one_query or len(boxes) > _FEW_BOXES:
            return scope.css(selector)
        return [node for levels in boxes if levels for node in levels[-1].css(selector)]

    def _fill(
        self, nodes: Iterable[LexborNode], read: Callable[[LexborNode], T], found: list[T]
    ) -> None:
        """Give each story what ``read`` finds in the element of ``nodes`` that
        is in the innermost level of its box (the first there), in ``found``;
        each read counts as one of a box's tries."""
        best = [_MAX_LEVELS] * len(found)
        tries = [0] * len(found)
        taken: dict[int, LexborNode] = {}
        for node in nodes:
            box = self._box_of(node)
            if box is None:
                continue
            story, level = box
            if level < best[story] and tries[story] < _MAX_TRIES:
                tries[story] += 1
                value = read(node)
                if value:
                    found[story], best[story], taken[story] = value, level, node
        self.read.extend(taken.values())

    def _box_of(self, node: LexborNode) -> tuple[int, int] | None:
        """The story whose box holds ``node``, and the level that does: its
        nearest ancestor that is a box level, however deep a card sets its meta.
        Each element walked through is remembered with the answer, so every
        element of the page is walked through once at most, however deeply
        it nests and however many times and bylines it holds."""
        return nearest_marked(node.parent, self._index, self._index)


def _names_a_date(node: LexborNode) -> bool:
    """Whether a word of ``node``'s class is "date" ("post-date", "item__date"):
    "card__last-update", "candidate" and "validated" name no date of publication."""
    return _DATE_CLASS.search(node.attributes.get("class") or "") is not None


def _dates_publication(node: LexborNode) -> bool:
    """Whether ``node`` is classed as a date or marked by microdata as the
    publication's (``datePublished``, ``dateCreated``; not ``dateModified``)."""
    return (
        _names_a_date(node)
        or date_property(node.attributes.get("itemprop")) in (DATE_PROPERTIES[:2])
    )


def date_property(itemprop: str | None) -> str:
    """Which of the dates microdata names ``itemprop`` marks (lower-cased), or ""."""
    for name in (itemprop or "").lower().split():
        if name in DATE_PROPERTIES:
            return name
    return ""


def stated_time(node: LexborNode, day: StampDay | None = None) -> datetime | None:
    """When ``node`` says a story was published: its ``datetime`` (microdata's
    ``content``), else its text when that is a date line (not an update's);
    ``day``: what a relative one ("Вчера, 18:40") counts from."""
    stated = printed_time(node, day)
    if isinstance(stated, DateLine):
        # Under dateModified too, an update's line is no publication's time.
        return None if stated.updated else stated.at
    return stated


def printed_time(node: LexborNode, day: StampDay | None = None) -> datetime | DateLine | None:
    """The time ``node`` states: the instant its ``datetime`` (a <time>) or
    microdata ``content`` gives, else the date line its text is — a <time>'s,
    a date-classed element's or the text of an element microdata marks as a
    date; an update's (``Updated: …``) only under ``dateModified``."""
    attributes = node.attributes
    is_time = node.tag == "time"
    stamp = attributes.get("datetime") if is_time else None
    if stamp:
        return parse_iso_datetime(stamp)
    prop = date_property(attributes.get("itemprop"))
    content = attributes.get("content") if prop else None
    if content:
        return parse_iso_datetime(content)
    if not prop and not is_time and not _names_a_date(node):
        return None
    update = prop == DATE_PROPERTIES[2]
    text = node.text(deep=True)
    if len(text) > _MAX_DATE_TEXT:
        return None
    line = squash_space(text)
    stated = _date_line(line, day)
    if stated is None and next(node.iter(), None) is not None:
        # A stamp that holds its view count or an icon's label ("Сегодня, 14:20
        # <span class="views">1532</span>") is dated by its own text.
        own = squash_space(node.text(deep=False))
        stated = _date_line(own, day) if own and own != line else None
    return None if stated is None or (stated.updated and not update) else stated


def _date_line(line: str, day: StampDay | None) -> DateLine | None:
    stated = read_date_line(line)
    return day.read(line) if stated is None and day is not None else stated


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
