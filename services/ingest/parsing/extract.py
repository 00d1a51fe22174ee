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
from collections import defaultdict
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from .clean import squash_space, strip_forbidden
from .notes import Notes

# Leaf blocks only: containers (div, section, lists) are found as the
# ancestors the scores flow up to. A text-only <div> is a paragraph too.
_BLOCK_TAGS = (
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt",
    "td", "th", "figcaption", "div",
)  # fmt: skip
_ANY_BLOCK = ", ".join(_BLOCK_TAGS)
# Blocks and the containers that may hold text of their own beside their
# blocks (a blog post's lines separated by <br>s around an image's <div>).
# Which is which is told by the order of the matches, not by the query: a
# `:has()` would test every element's subtree.
_ALL_QUERY = f"{_ANY_BLOCK}, section, article, main"
# Children that end a run of a container's own text.
_RUN_BREAKS = frozenset(
    {
        *_BLOCK_TAGS,
        "section",
        "article",
        "main",
        "table",
        "ul",
        "ol",
        "dl",
        "header",
        "footer",
        "aside",
        "nav",
        "figure",
        "form",
        "hr",
        "img",
        "iframe",
        "video",
        "picture",
    }
)
_MIN_LOOSE_CHARS = 20
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Captions and credits belong to a picture, not to the story's text.
_CHROME_TAGS = frozenset({"nav", "aside", "footer", "figure", "figcaption"})
_CHROME_ROLES = frozenset({"navigation", "complementary", "contentinfo", "banner", "search"})
# Class and id words of the furniture around and inside articles; a word
# starts the name or follows a separator, so "post-share" and "sharedaddy"
# match but "content" in "entry-content" does not trip "tent".
_BOILERPLATE = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|social|related|comment|disqus|sidebar|footer|"
    r"navbar|nav|menu|newsletter|subscri|promo|advert|ads?(?=$|[\s_-])|cookie|breadcrumb|"
    r"popular|recommend|trending|most-?read|outbrain|taboola|paywall|signup|"
    r"login|author-bio|bio-box|tag-?list|tags(?=$|[\s_-])|pagination|pager)",
    re.IGNORECASE,
)
# A block this much link text is a list of links, not prose.
_LINK_HEAVY = 0.5
# Weights of what a block says about its container.
_PROSE_MIN_CHARS = 60
_AGAINST = 1.5
_SENTENCE_ENDS = '.!?…"”»'


@dataclass(slots=True)
class Block:
    node: LexborNode
    tag: str
    text: str
    links: int

    @property
    def link_density(self) -> float:
        return self.links / len(self.text) if self.text else 0.0


@dataclass(slots=True)
class Extraction:
    blocks: list[Block]
    left_out: Notes


class _Tree:
    """Parents, depths and boilerplate marks of the elements seen, by mem_id."""

    def __init__(self, root: LexborNode) -> None:
        self.root_id = root.mem_id
        self.parent: dict[int, int] = {root.mem_id: 0}
        self.depth: dict[int, int] = {root.mem_id: 0}
        self.nodes: dict[int, LexborNode] = {root.mem_id: root}
        # Whether an element is a link or inside one.
        self.in_link: dict[int, bool] = {root.mem_id: False}

    def visit(self, node: LexborNode) -> None:
        """Record ``node`` and its unseen ancestors."""
        path = []
        current: LexborNode | None = node
        while current is not None and current.mem_id not in self.depth:
            path.append(current)
            current = current.parent
        if current is None:  # outside the root (cannot happen for its descendants)
            above, depth, in_link = 0, 0, False
        else:
            above = current.mem_id
            depth = self.depth[above]
            in_link = self.in_link[above]
        for element in reversed(path):
            mem_id = element.mem_id
            depth += 1
            in_link = in_link or element.tag == "a"
            self.parent[mem_id] = above
            self.depth[mem_id] = depth
            self.nodes[mem_id] = element
            self.in_link[mem_id] = in_link
            above = mem_id

    def contains(self, outer: int, inner: int) -> bool:
        """Whether ``inner`` (visited) is ``outer`` or inside it."""
        steps = self.depth[inner] - self.depth.get(outer, 1 << 30)
        current = inner
        for _ in range(steps):
            current = self.parent[current]
        return steps >= 0 and current == outer


def _is_boilerplate(node: LexborNode) -> bool:
    tag = node.tag
    if tag in _CHROME_TAGS:
        return True
    attributes = node.attributes
    if not attributes:
        return False
    if "hidden" in attributes or (attributes.get("role") or "").strip() in _CHROME_ROLES:
        return True
    names = f"{attributes.get('class') or ''} {attributes.get('id') or ''}"
    return names != " " and _BOILERPLATE.search(names) is not None


def text_of(node: LexborNode) -> str:
    return squash_space(strip_forbidden(node.text()))


def text_blocks(scope: LexborNode, tree: _Tree) -> list[Block]:
    """The text blocks under ``scope`` in document order, each visited in ``tree``.

    The innermost block elements holding text, and the runs of text that
    containers hold beside their blocks.
    """
    nodes = scope.css(_ALL_QUERY)
    blocks = []
    seen = set()
    depth, parent, in_link = tree.depth, tree.parent, tree.in_link
    visit = tree.visit
    following = nodes[0] if nodes else None
    for i in range(len(nodes)):
        node = following
        following = nodes[i + 1] if i + 1 < len(nodes) else None
        mem_id = node.mem_id
        # A query gives an element once for each selector of its list it matches.
        if mem_id in seen:
            continue
        seen.add(mem_id)
        if mem_id not in depth:
            visit(node)
        # Matches come in document order: a container is followed by the
        # first block inside it.
        holds = False
        if following is not None:
            next_id = following.mem_id
            if next_id not in depth:
                visit(following)
            holds = parent[next_id] == mem_id or tree.contains(mem_id, next_id)
        if not holds:
            text = text_of(node)
            if text:
                links = len(text) if in_link[mem_id] else 0
                blocks.append(Block(node, node.tag or "", text, links))
        elif node.tag != "p" and len(node.text(deep=False).strip()) >= _MIN_LOOSE_CHARS:
            blocks.extend(_loose_runs(node))
    _count_links(scope, tree, blocks)
    return blocks


def _loose_runs(container: LexborNode) -> list[Block]:
    runs = []
    parts: list[str] = []
    links = 0
    for child in (*container.iter(include_text=True), None):
        tag = child.tag if child is not None else None
        if child is None or tag in _RUN_BREAKS:
            text = squash_space(strip_forbidden("".join(parts)))
            if len(text) >= _MIN_LOOSE_CHARS:
                runs.append(Block(container, "p", text, links))
            parts, links = [], 0
            continue
        if tag in ("-text", "_text"):
            parts.append(child.text_content or "")
        elif tag not in ("-comment", "_comment"):
            text = child.text()
            parts.append(text)
            if tag == "a":
                links += len(text.strip())
    return runs


def _count_links(scope: LexborNode, tree: _Tree, blocks: list[Block]) -> None:
    # Runs of a container's own text have counted their links already, and a
    # block inside a link (a teaser card) is all link.
    by_id = {
        block.node.mem_id: block
        for block in blocks
        if block.node.tag == block.tag and not tree.in_link[block.node.mem_id]
    }
    for link in scope.css("a"):
        current: LexborNode | None = link.parent
        # Links sit a level or two inside their block.
        for _ in range(4):
            if current is None:
                break
            block = by_id.get(current.mem_id)
            if block is not None:
                block.links += len(link.text().strip())
                break
            current = current.parent


def _weight(block: Block) -> float:
    length = len(block.text)
    if block.link_density > _LINK_HEAVY:
        return -_AGAINST * length
    if block.tag in HEADING_TAGS:
        return 0.0
    if length < _PROSE_MIN_CHARS and block.text[-1:] not in '.!?…"”»':
        return 0.0
    return length * (1.0 - block.link_density)


def main_content(scope: LexborNode) -> Extraction:
    """The article's blocks in ``scope`` (the page's body), and what was left out."""
    tree = _Tree(scope)
    blocks = text_blocks(scope, tree)
    totals: dict[int, float] = defaultdict(float)
    parents = tree.parent
    for block in blocks:
        weight = _weight(block)
        # A block counts for every element holding it (a few hundred blocks
        # a few dozen levels deep: cheap dictionary steps).
        mem_id = block.node.mem_id if weight else 0
        while mem_id:
            totals[mem_id] += weight
            mem_id = parents[mem_id]
    best = max(totals, key=totals.__getitem__, default=tree.root_id)
    marks = _Boilerplate(tree.nodes[best])
    left_out = Notes()
    kept = []
    seen: set[str] = set()
    for block in blocks:
        if block.text in seen:
            # A page carrying its story twice (a print or app copy) or a
            # pull quote repeating a paragraph: each text once.
            left_out.add("repeated", block.text)
            continue
        if not tree.contains(best, block.node.mem_id):
            left_out.add("outside the article", block.text)
        elif marks.under(block.node):
            left_out.add("boilerplate", block.text)
        elif block.link_density > _LINK_HEAVY:
            left_out.add("links", block.text)
        else:
            kept.append(block)
            if len(block.text) >= _PROSE_MIN_CHARS:
                seen.add(block.text)
    return Extraction(_trimmed(kept, left_out), left_out)


def _is_prose(block: Block) -> bool:
    return len(block.text) >= _PROSE_MIN_CHARS or block.text[-1:] in _SENTENCE_ENDS


def _trimmed(kept: list[Block], left_out: Notes) -> list[Block]:
    """Less the dates, bylines, labels and buttons before the story's text and after it."""
    start, end = 0, len(kept)
    while start < end and not _is_prose(kept[start]):
        start += 1
    while end > start and not _is_prose(kept[end - 1]):
        end -= 1
    for block in (*kept[:start], *kept[end:]):
        left_out.add("around the article", block.text)
    return kept[start:end]


class _Boilerplate:
    """Whether a block sits in boilerplate inside the article's container."""

    def __init__(self, container: LexborNode) -> None:
        self._known: dict[int, bool] = {container.mem_id: False}

    def under(self, node: LexborNode) -> bool:
        path = []
        current: LexborNode | None = node
        while current is not None and current.mem_id not in self._known:
            path.append(current)
            current = current.parent
        marked = current is not None and self._known[current.mem_id]
        for element in reversed(path):
            marked = marked or _is_boilerplate(element)
            self._known[element.mem_id] = marked
        return marked
