"""The main content of a single-article page, found by block scoring.

The way the well-known extractors do it (Readability, jusText, trafilatura's
own heuristics), in one pass over the tree:

1. The text blocks are the innermost block elements holding text
   (paragraphs, list items, headings, quotes, cells, text-only divs).
2. Each block is weighed by its text and its link density: prose counts for
   its container, a block of links (menus, "Latest", "Share this:") against.
   Blocks under boilerplate (navigation, sidebars, comments, share and
   related boxes, by tag, role, class or id) count against.
3. The container with the highest sum is the article; its blocks are kept in
   order, less the link lists and boilerplate inside it.

What is left out is counted by kind, so the page's submitter can be told.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from .boilerplate import CHROME_TAGS, attributes_mark
from .clean import squash_space
from .html_blocks import TAG_NAMES, Block, Walk, text_blocks
from .html_tree import links_away
from .html_weight import heaviest
from .notes import Notes

HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Prose outside furniture holding less than this share of the page's prose
# is no story: the furniture's names were wrong (a wrapper named after its
# sidebar or share buttons).
_STORY_SHARE = 0.25
_STAMP = re.compile(
    r"(?:published|updated|posted|last (?:updated|modified)|опубликовано|обновлено)\b\s*:?",
    re.IGNORECASE,
)
# A block this much link text is a list of links, not prose.
_LINK_HEAVY = 0.5
# Unless it is a paragraph with this much text of its own, ending a sentence.
_OWN_CHARS = 30
# A teaser: this much of it the link it starts with (its headline), its text cut short.
_TEASER_LINKS = 0.15
_CUT_SHORT = ("...", "…", "[...]", "[…]")
# A teaser's text under its linked headline: shorter than a story's few sentences.
_TEASER_CHARS = 300
# Weights of what a block says about its container.
_PROSE_MIN_CHARS = 60
_AGAINST = 1.5
# Chinese and Japanese close theirs with full-width marks and quotes.
_SENTENCE_ENDS = '.!?…"”»。！？」'
# Credit lines of wire copy and newspapers, told from their start or their end.
# "Reporting by A. Writer in City; Editing by B. Editor": names, no verb after them.
_NAME = r"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.-]*(?:\s+(?:[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’.-]*|de|van|von|der|al|bin))*"
_PLACED = rf"{_NAME}(?:\s+in\s+{_NAME})?"
_NAMES = rf"{_PLACED}(?:\s*(?:,|&|\band\b)\s*{_PLACED})*"
_CREDIT_CLAUSE = rf"(?i:(?:additional\s+)?(?:reporting|writing|editing)\s+by)\s+{_NAMES}"
_CREDIT = re.compile(
    rf"\(?{_CREDIT_CLAUSE}(?:\s*[;,]\s*(?:and\s+)?{_CREDIT_CLAUSE})*\s*[.;]?\s*\)?\.?"
)
# "A. Writer contributed to this report.", "A. Writer contributed reporting from City."
_CONTRIBUTED = re.compile(
    r"(.+?)\s+contributed\s+(?:to\s+this\s+(?:report|story|article)\b|reporting\b)"
)
_MAX_CREDIT = 300
_BY = frozenset({"By ", "BY ", "by "})
# Capitalised words after "By" that start a sentence, not a name.
_NOT_NAMES = frozenset({"The", "A", "An", "This", "That", "These", "Those", "Then", "Now"})
# A list's items, this many at least, end a story as well as prose does.
_LIST_ITEMS = 3
# A line ending so introduces the text after it ("What we know:", "ALMATY —").
_RUNS_ON = (":", "—", "–", " -")
# A tag's or a section's label: this long at most.
_TAG_CHARS = 30
_TAG_WORDS = 3


@dataclass(slots=True)
class Extraction:
    blocks: list[Block]
    left_out: Notes
    # The short blocks just before the story's text (a byline, a date, labels).
    lead: list[Block] = field(default_factory=list)


def _links_and_weights(blocks: list[Block]) -> tuple[list[bool], list[float]]:
    """Whether each block is a list of links, or a teaser: an item (not a paragraph, which
    a story's text is) that starts with its linked headline and ends cut short; and what
    each says about its container. (One loop, not a call for each block: the few that may
    be teasers are looked at by ``_is_teaser``.)"""
    links: list[bool] = []
    weights: list[float] = []
    for block in blocks:
        text = block.text
        length = len(text)
        # Links per character of text.
        density = block.links / length if length else 0.0
        if density > _LINK_HEAVY:
            is_links = True
        elif density < _TEASER_LINKS or block.tag == "p" or not text.endswith(_CUT_SHORT):
            is_links = False
        else:
            is_links = _is_teaser(block)
        links.append(is_links)
        if is_links:
            weights.append(-_AGAINST * length)
        elif block.tag in HEADING_TAGS or (
            length < _PROSE_MIN_CHARS and text[-1:] not in _SENTENCE_ENDS
        ):
            weights.append(0.0)
        else:
            # Weighed by the share of its text that is not link text.
            weights.append(length * (1.0 - block.links / length) if length else 0.0)
    return links, weights


def _is_teaser(block: Block) -> bool:
    """Whether ``block``, ending cut short, starts with its linked headline."""
    link = block.node.css_first("a")
    headline = squash_space(link.text_lexbor()) if link is not None else ""
    return len(headline) >= _TEASER_LINKS * len(block.text) and block.text.startswith(headline)


def _linked_sentence(block: Block) -> bool:
    """A paragraph whose sentence runs on into a link ("The case was shelved in 2017 but
    was <a>re-opened this year after his eviction</a>."): words of its own before the
    link, and a sentence's end. A list of links or a "Read more: <a>…</a>" line has
    neither; a teaser starts with its linked headline, or ends cut short. (Still weighed
    as links when its container is chosen: it tells nothing of where the story is.)"""
    text = block.text
    if not (
        block.tag == "p"
        and len(text) - block.links >= _OWN_CHARS
        and text[-1:] in _SENTENCE_ENDS
        and not text.endswith(_CUT_SHORT)
    ):
        return False
    link = block.node.css_first("a")
    return link is None or not text.startswith(squash_space(link.text_lexbor()))


def main_content(scope: LexborNode, clean: bool = True, title: str | None = None) -> Extraction:
    """The article's blocks in ``scope`` (the page's body), and what was left out.

    ``clean``: whether the text may spell forbidden characters; ``title``: the headline.
    """
    walk = Walk(scope)
    blocks = text_blocks(walk, clean)
    # Told once: scoring weighs every block, and the blocks kept are asked again.
    links, weights = _links_and_weights(blocks)
    marks = _Boilerplate(walk)
    best = _best_container(walk, blocks, weights, marks)
    end = walk.end(best)
    # What scoring told already is read without a call (a 0 is asked again).
    known = marks.known
    left_out = Notes()
    kept = []
    places = []  # each kept block's place in ``blocks``
    seen: set[str] = set()
    # The blocks outside the article after its first, counted here and noted at the end.
    outside = outside_chars = 0
    for place, (block, is_links) in enumerate(zip(blocks, links, strict=True)):
        if block.text in seen:
            # A page carrying its story twice (a print or app copy) or a
            # pull quote repeating a paragraph: each text once.
            left_out.add("repeated", block.text)
            continue
        if not best <= block.index < end:
            if block.tag == "h1" or (block.tag in HEADING_TAGS and block.text == title):
                left_out.add("headline", block.text)
            elif outside or "outside the article" in left_out:
                outside, outside_chars = outside + 1, outside_chars + len(block.text)
            else:
                left_out.add("outside the article", block.text)
        elif (known.get(block.index) or marks.inside(block.index)) > best:
            # Furniture inside the article's container (the container
            # itself, or what holds it, may carry any name).
            left_out.add("boilerplate", block.text)
        elif is_links and not _linked_sentence(block):
            left_out.add("links", block.text)
        elif len(block.text) < _PROSE_MIN_CHARS * 2 and _is_label(block.text):
            left_out.add("labels", block.text)
        else:
            kept.append(block)
            places.append(place)
            if len(block.text) >= _PROSE_MIN_CHARS:
                seen.add(block.text)
    if outside:
        left_out.add("outside the article", "", outside_chars, outside)
    kept = _less_teasers(kept, places, blocks, links, left_out)
    story, lead = _trimmed(kept, left_out)
    return Extraction(story, left_out, lead)


def _best_container(
    walk: Walk, blocks: list[Block], weights: list[float], marks: _Boilerplate
) -> int:
    """The element whose blocks weigh the most (``weights``): the article's container.

    Prose inside furniture (a footer's blurb, a cookie notice, a related
    story's teaser) weighs nothing, unless the furniture's names would take
    most of the page's prose (a wrapper named after its share buttons).
    """
    inside = marks.inside
    # The weights less the prose inside furniture (one list, compared at C speed).
    held = [
        0.0 if weight > 0 and inside(block.index) >= 0 else weight
        for block, weight in zip(blocks, weights, strict=True)
    ]
    if held == weights:
        return heaviest(walk, blocks, weights)[0]
    best, total = heaviest(walk, blocks, held)
    if total >= _STORY_SHARE * sum([weight for weight in weights if weight > 0]):
        return best
    return heaviest(walk, blocks, weights)[0]


def _is_label(text: str) -> bool:
    """A bare address or a "Published: …"/"Updated …" line: the page's furniture, not prose."""
    if " " not in text:
        return "://" in text or text.startswith("www.")
    return _STAMP.match(text) is not None


def _is_prose(block: Block) -> bool:
    return len(block.text) >= _PROSE_MIN_CHARS or block.text[-1:] in _SENTENCE_ENDS


def _trimmed(kept: list[Block], left_out: Notes) -> tuple[list[Block], list[Block]]:
    """Less the dates, bylines, labels and buttons before the story's text and
    after it; and those before it (its lead). They stand under the headline
    as often as above it ("Headline / Monday 7:45 am by A. Writer / text"):
    the story starts at its first prose after one heading that reads as
    prose, or at the next heading (a section's)."""
    start, end = 0, len(kept)
    headline = None
    while start < end:
        block = kept[start]
        heading = block.tag in HEADING_TAGS
        prose = _is_prose(block) and not _is_byline(block.text)
        if prose and (not heading or headline is not None):
            break
        if headline is not None and (
            heading
            or block.text.endswith(_RUNS_ON)
            or (start + _LIST_ITEMS <= end and _in_list(kept, start + _LIST_ITEMS - 1))
        ):
            # A section's heading, a line introducing what follows, or a
            # summary's list: the story's text, not a byline's or a date's.
            break
        if heading and prose:
            headline = start
        start += 1
    while end > start and (
        _is_credit(kept[end - 1].text)
        or not (_is_prose(kept[end - 1]) or _list_in_story(kept, end - 1))
    ):
        end -= 1
    lead = [block for place, block in enumerate(kept[:start]) if place != headline]
    for block in (*lead, *kept[end:]):
        left_out.add("around the article", block.text)
    story = kept[start:end]
    return ([kept[headline], *story] if headline is not None else story), lead


def _is_byline(text: str) -> bool:
    """A byline however long ("By A. Writer | November 18, 2019 at 2:26 PM -
    Updated …"): "By" and a name, or a separator, and no sentence's end ("By
    Monday the talks had failed." is one, "By the time the vote came, …" too)."""
    if text[:3] not in _BY or len(text) > _MAX_CREDIT or text[-1:] in _SENTENCE_ENDS:
        return False
    if "|" in text:
        return True
    words = text[3:].split(None, 1)
    return bool(words) and words[0][:1].isupper() and words[0] not in _NOT_NAMES


def _is_credit(text: str) -> bool:
    """A credit line after a story ("Reporting by …; Editing by …", "Jane Doe
    contributed to this report."): who worked on it, as a byline is, not its
    text. Names credited, each capitalised ("Reporting by the agency was
    delayed" is a sentence), or one named as contributing to the report."""
    if len(text) > _MAX_CREDIT:
        return False
    if _CREDIT.fullmatch(text) is not None:
        return True
    contributed = _CONTRIBUTED.match(text)
    if contributed is None:
        return False
    # Its subject names someone: a capitalised word past its first (a name
    # after "Staff writers"), or one word (an agency's name).
    words = contributed.group(1).split()
    return len(words) == 1 or words[0].isupper() or any(word[:1].isupper() for word in words[1:])


def _in_list(kept: list[Block], place: int) -> bool:
    """Whether ``kept[place]`` is an item of a list of a few among ``kept``
    (its items just before it): a story may end on a list it introduced
    ("The qualified teams:" and a name a line), short lines as a byline's
    or a date's are."""
    return kept[place].tag == "li" and place - _list_start(kept, place) + 1 >= _LIST_ITEMS


def _list_start(kept: list[Block], place: int) -> int:
    """Where the run of items of ``kept[place]``'s list that ends at it starts."""
    # Told by address: nodes compare equal when their markup is the same, and
    # two lists of the same items are still two lists.
    parent = _address(kept[place].node.parent)
    first = place
    while first > 0 and kept[first - 1].tag == "li":
        if _address(kept[first - 1].node.parent) != parent:
            break
        first -= 1
    return first


def _address(node: LexborNode | None) -> int | None:
    return None if node is None else node.mem_id


def _list_in_story(kept: list[Block], place: int) -> bool:
    """Whether ``kept[place]`` ends a list the story ends on: one it
    introduced (the line before it ends in ":"), or one of lines, not of
    labels ("Politics / Transport / Budget", the story's tags)."""
    first = _list_start(kept, place)
    if kept[place].tag != "li" or place - first + 1 < _LIST_ITEMS:
        return False
    if first > 0 and kept[first - 1].text.endswith(":"):
        return True
    return not all(_is_tag(block.text) for block in kept[first : place + 1])


def _is_tag(text: str) -> bool:
    """A label as a story's tags or sections are: a few words, no figures or punctuation."""
    words = text.split()
    return len(text) <= _TAG_CHARS and len(words) <= _TAG_WORDS and "".join(words).isalpha()


class _Boilerplate:
    """The innermost furniture element holding each element, remembered as asked."""

    def __init__(self, walk: Walk) -> None:
        self._walk = walk
        self.known: dict[int, int] = {}
        self._names: dict[str, bool] = {}

    def inside(self, index: int) -> int:
        """The walk index of the innermost furniture holding ``index`` (or itself), or -1."""
        walk, known = self._walk, self.known
        if index in known:  # a block scoring asked of already
            return known[index]
        path, parents, current = [], walk.parents, index
        while current >= 0 and current not in known:
            path.append(current)
            current = parents[current]
        marked = known[current] if current >= 0 else -1
        nodes, tags, holds, names = walk.nodes, walk.tags, walk.holds_paragraph, self._names
        # ``is_boilerplate``'s tests, its first two without a call for each element.
        for element in reversed(path):
            if TAG_NAMES.get(tags[element]) in CHROME_TAGS:
                marked = element
            else:
                attributes = nodes[element].attributes
                if attributes and attributes_mark(attributes, holds, element, names):
                    marked = element
            known[element] = marked
        return marked


def _less_teasers(
    kept: list[Block], places: list[int], blocks: list[Block], links: list[bool], left_out: Notes
) -> list[Block]:
    """``kept`` less its teasers of other stories (a box of them inside the article's
    container): a short block alone between a heading that links to another page (a teaser's
    headline) and the next heading or the end. A story's own section runs longer, and its
    heading links nowhere or to itself (an anchor). ``places``: each kept block's place."""
    last = len(blocks) - 1
    teasers = {
        place
        for block, place in zip(kept, places, strict=True)
        if len(block.text) < _TEASER_CHARS
        and place > 0
        and (place == last or blocks[place + 1].tag in HEADING_TAGS)
        and blocks[place - 1].tag in HEADING_TAGS
        and links[place - 1]
        and links_away(blocks[place - 1].node)
    }
    if not teasers:
        return kept
    for place in sorted(teasers):
        left_out.add("teasers", blocks[place].text)
    return [block for block, place in zip(kept, places, strict=True) if place not in teasers]
