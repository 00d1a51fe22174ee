"""When a single article's page prints that it was published and updated, and by whom.

Structured data (JSON-LD, ``article:published_time``) says it best; many
pages print it only: a ``<time datetime>`` in the byline (WordPress's
``<time class="entry-date published" itemprop="datePublished">``), or an
element classed as a date (``<span class="article__date">4 декабря 2026,
15:45</span>``), as front pages print a card's. Only what stands in the
article is read: the element that holds both its headline and its text (a
few levels above the headline at most), else its text's own container; a
time in a box of other stories inside it (related items, readers' comments,
an aside) is theirs, and so are most times after its text: those above
it are read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .boilerplate import is_furniture_name
from .clean import squash_space
from .dates import MAX_DATE_LINE, YEAR, DateLine, read_date_line
from .html_byline import author_names
from .html_story_meta import date_property, printed_time
from .stamp_day import StampDay

# The headline's box: this many levels above it at most (a heading in a
# header in the article); past that the element holding it and the text
# is a page section, sidebars and all.
_MAX_LEVELS = 4
_NEVER_A_BOX = frozenset({"body", "html"})
# The story's text: its paragraphs this many levels below what holds them all
# at most (deeper, the page is no article's markup to read this way).
_TEXT_LEVELS = 12
# Boxes inside the article that hold other stories' times, by tag.
_OTHERS = frozenset({"aside", "nav", "article"})
# The first few <h1>s are looked through for the headline's.
_H1_READ = 4
# Above the text: the elements before it at each level up to the article's
# and one level into the text, this many of each, so many elements in all
# (a byline and a meta line hold a few dozen; a gallery, hundreds).
_SIBLINGS_READ = 3
_ELEMENTS_READ = 20
# Beside the headline: this many elements of the one before or after it.
_BESIDE_READ = 8
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# A link to an author's page ("/author/chris-rickleton/kmqkpy") is a byline.
_AUTHOR_PATH = "/author/"
_NAME_WORDS = 6
_TIME = LexborHTMLParser("").create_node("time").tag_id
# "time" as a word of a class ("col-xs-6 time", "article__time"), as a card's
# time is classed; not "timeline" or "runtime".
_TIME_CLASS = re.compile(r"(?<![a-z0-9])time(?![a-z0-9])")
_MODIFIED_CLASS = re.compile(r"(?<![a-z0-9])(?:updated|modified)(?![a-z0-9])", re.IGNORECASE)
_PUBLISHED_CLASS = re.compile(r"(?<![a-z0-9])published(?![a-z0-9])", re.IGNORECASE)
# How surely a time is the publication's, surest first: marked so by
# microdata, marked as the item's creation, a <time datetime>, a printed
# date line (a date alone is midnight, so a <time>'s instant beats it), a
# time classed as an update only ("updated", "modified-date"; WordPress
# prints the update's <time class="updated"> after the publication's, and
# some themes class the one time they print "updated" for hAtom).
_PUBLISHED, _CREATED, _STAMPED, _PRINTED, _UPDATE = range(5)


class ArticleBox(NamedTuple):
    """Where an article stands: what holds its headline and text, and its text."""

    box: LexborNode
    text: LexborNode
    headline: LexborNode | None = None  # the <h1> found a few levels below ``box``


def article_box(tree: LexborHTMLParser, first: LexborNode, last: LexborNode) -> ArticleBox | None:
    """The element holding the article's headline and its text (``first`` and
    ``last``: the elements of its first and last paragraph), when it is a few
    levels above the headline: the page's first <h1> that is so near; else
    the element holding its text. None when that is the page's body."""
    # The elements holding ``last``, innermost first, by their place up.
    up: dict[int, tuple[int, LexborNode]] = {}
    current: LexborNode | None = last
    while current is not None and len(up) <= _TEXT_LEVELS + _MAX_LEVELS:
        up[current.mem_id] = (len(up), current)
        current = current.parent
    current = first
    for _ in range(_TEXT_LEVELS):
        if current is None or current.mem_id in up:
            break
        current = current.parent
    if current is None or current.mem_id not in up or current.tag in _NEVER_A_BOX:
        return None
    text = current
    level = up[text.mem_id][0]
    # A site's logo in an <h1> stands far from the story's text.
    for k, headline in enumerate(tree.tags("h1")):
        if k == _H1_READ:
            break
        current = headline.parent
        for _ in range(_MAX_LEVELS):
            if current is None:
                break
            found = up.get(current.mem_id)
            if found is not None and found[0] >= level:
                box = text if found[1].tag in _NEVER_A_BOX else found[1]
                return ArticleBox(box, text, headline)
            current = current.parent
    return ArticleBox(text, text)


class Printed(NamedTuple):
    """What the article prints above its text: its times and its byline's names."""

    published: datetime | None
    modified: datetime | None
    authors: list[str]


def printed_meta(
    where: ArticleBox,
    first: LexborNode,
    *,
    times: bool = True,
    authors: bool = False,
    day: StampDay | None = None,
) -> Printed:
    """The published and modified times the article prints above its text
    (``first``: its first paragraph's element), when ``times``, and the
    names its byline there gives, when ``authors``: each ``None`` or empty
    when it prints none. ``day``: what a relative time ("Вчера, 18:40") counts from.

    Of those times, the surest publication's is the published one (of those
    as sure, the one nearest the text); the modified time is the one
    microdata marks ``dateModified``. The byline is the element nearest the
    text marked as an author's (``rel``/``itemprop`` author, a byline or
    author class) that names someone.
    """
    best, published, modified = _UPDATE + 1, None, None
    names: dict[str, bool] = {}
    found: list[str] = []
    for node, attributes, dated in _above(where, first, times=times, authors=authors):
        if not dated:
            if _AUTHOR_PATH in (attributes.get("href") or ""):
                # A link to an author's page names one author, whole ("RFE/RL's
                # Kyrgyz Service"); a list of them names each.
                name = _linked_name(node.text())
                if name and name not in found:
                    found.append(name)
            elif not found:
                found = author_names(node.text(separator="|"))
            continue
        prop = date_property(attributes.get("itemprop"))
        if prop == "datemodified":
            if modified is not None:
                continue
        else:
            rank = _rank(node, prop, attributes)
            if rank >= best:
                continue
        # Microdata states its value in ``content`` (a <meta>), else as printed.
        stated = printed_time(node, day)
        if isinstance(stated, DateLine):
            if prop and not stated.timed and prop != "datemodified":
                # Printed as a day alone, it is no surer than a date line:
                # a <time>'s instant beats its midnight.
                rank = max(rank, _PRINTED)
                if rank >= best:
                    continue
            when: datetime | None = stated.at
        else:
            when = stated
        if when is None or _in_others(node, where.box, names):
            continue
        if prop == "datemodified":
            modified = when
        else:
            best, published = rank, when
    if times and published is None:
        published = _beside_headline(where, names, day)
    return Printed(published, modified, found)


def _element(node: LexborNode | None, forward: bool) -> LexborNode | None:
    """``node`` or the first element from it on (back, unless ``forward``)."""
    while node is not None and not node.is_element_node:
        node = node.next if forward else node.prev
    return node


def _beside_headline(
    where: ArticleBox, names: dict[str, bool], day: StampDay | None
) -> datetime | None:
    """The time printed in no dated element right beside the article's <h1>, in
    its header block: the element before or after it, or one of the first few
    inside that, whose whole text is a date line (``<div class="node-info">
    <span>04/12/2026 10:27</span>``, ``<p class="post-place">Bishkek, December
    4, 2026, 15:10</p>``) or a day named from ``day``'s (``<span>вчера
    18:05</span>``); an update's is none. ``names``: those judged."""
    headline, box = where.headline, where.box
    if headline is None:
        return None
    for sibling in _beside(headline):
        if sibling is None or sibling.tag in _HEADINGS:
            continue
        for k, element in enumerate(sibling.traverse()):
            if k == _BESIDE_READ:
                break
            if next(element.iter(), None) is not None:
                continue  # its text is its children's, read in turn
            if element.tag_id == _TIME and element.attributes.get("datetime"):
                when = printed_time(element)
                if isinstance(when, datetime) and not _in_others(element, box, names):
                    return when
            text = element.text(deep=True)
            if len(text) > 2 * MAX_DATE_LINE:
                continue
            if YEAR.search(text) is not None:
                stated = read_date_line(squash_space(text), page_head=True)
            elif day is not None:
                # A site that prints its stamps as a front page's cards do
                # ("Вчера, 18:05", "3 декабря, 19:48") prints its article's so.
                stated = day.read(squash_space(text))
            else:
                continue
            if stated is None or stated.updated or stated.clock_only:
                continue
            if not _in_others(element, box, names):
                return stated.at
    return None


# The headline's wrappers that hold nothing else, looked through for its neighbours.
_WRAPPER_LEVELS = 2


def _beside(headline: LexborNode) -> list[LexborNode | None]:
    """The elements beside the headline, or beside the element that holds it
    alone (``<div class="story-headline"><h1>…</h1></div>``): the two after
    it (a byline may stand between it and its time) and the one before it."""
    node, text = headline, headline.text(deep=True).strip()
    for _ in range(_WRAPPER_LEVELS):
        parent = node.parent
        if (
            _element(node.next, True) is not None
            or _element(node.prev, False) is not None
            or parent is None
            or parent.tag in _NEVER_A_BOX
            or parent.text(deep=True).strip() != text
        ):
            break
        node = parent
    after = _element(node.next, True)
    second = _element(after.next, True) if after is not None else None
    return [after, second, _element(node.prev, False)]


def _above(
    where: ArticleBox, first: LexborNode, *, times: bool, authors: bool
) -> Iterator[tuple[LexborNode, dict[str, str | None], bool]]:
    """The dated elements (``times``) and byline elements (``authors``) above
    the article's text, nearest it first, each with its attributes and
    whether it is dated: a <time>, or one whose class or microdata property
    names a date; one marked as an author's. They are looked for in the
    elements before its text at each level from one inside its text's
    element (a date line at the text's head) up to the article's box.

    An article prints its times and byline under its headline, before its
    text; what follows its text is mostly other stories' (related items,
    comments). The few elements there are walked, not queried: a query
    costs more in its set-up than the walk, and one of the whole article
    tests every element of its text.
    """
    levels = []
    # The text's element holding ``first`` (``first`` is inside the text's).
    inner: LexborNode | None = None
    current: LexborNode | None = first
    while current is not None and current.mem_id != where.text.mem_id:
        inner, current = current, current.parent
    if inner is not None and current is not None:
        levels.append(inner)
    current = where.text
    while current is not None and current.mem_id != where.box.mem_id:
        levels.append(current)
        current = current.parent
    left = _ELEMENTS_READ
    # Nearest the text first: its meta line, then the headline's.
    for level in levels:
        sibling = level.prev
        read = 0
        while sibling is not None and read < _SIBLINGS_READ:
            node, sibling = sibling, sibling.prev
            if not node.is_element_node:
                continue
            read += 1
            for element in node.traverse():
                left -= 1
                if left < 0:
                    return
                attributes = element.attributes
                if element.tag_id == _TIME:
                    if times:
                        yield element, attributes, True
                    continue
                if not attributes:
                    continue
                names = (attributes.get("class") or "").lower()
                if times and (
                    "date" in names
                    or ("time" in names and _TIME_CLASS.search(names) is not None)
                    or "date" in (attributes.get("itemprop") or "").lower()
                ):
                    yield element, attributes, True
                elif authors and (
                    _AUTHOR_PATH in (attributes.get("href") or "")
                    or "author" in names
                    or "byline" in names
                    or "author" in (attributes.get("rel") or "").lower()
                    or "author" in (attributes.get("itemprop") or "").lower()
                ):
                    yield element, attributes, False


def _linked_name(text: str) -> str | None:
    """The name an author link's text is, whole, when it reads as one."""
    name = squash_space(text)
    words = name.split()
    if not 0 < len(words) <= _NAME_WORDS or not name[0].isupper():
        return None
    return name if not any(c.isdigit() or c == "@" for c in name) else None


def _rank(node: LexborNode, prop: str, attributes: dict[str, str | None]) -> int:
    if prop == "datepublished":
        return _PUBLISHED
    if prop == "datecreated":
        return _CREATED
    names = attributes.get("class") or ""
    if _MODIFIED_CLASS.search(names) is not None and _PUBLISHED_CLASS.search(names) is None:
        return _UPDATE
    return _STAMPED if node.tag_id == _TIME and attributes.get("datetime") else _PRINTED


def _in_others(node: LexborNode, box: LexborNode, seen: dict[str, bool]) -> bool:
    """Whether ``node`` is in a box of other stories inside ``box``: an
    aside, a menu, an <article> of its own, or an element named as
    furniture (related items, comments, a sidebar…); ``seen``: the names judged."""
    current = node.parent
    stop = box.mem_id
    while current is not None and current.mem_id != stop:
        if current.tag in _OTHERS:
            return True
        attributes = current.attributes
        names = f"{attributes.get('class') or ''} {attributes.get('id') or ''}"
        if names != " ":
            # Each element's names judged once (a byline's times share them).
            known = seen.get(names)
            if known is None:
                known = seen[names] = is_furniture_name(names)
            if known:
                return True
        current = current.parent
    return False
