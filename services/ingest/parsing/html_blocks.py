"""The text blocks of a page's body, measured in one pass over its elements.

The text blocks are the innermost block elements holding text (paragraphs,
list items, headings, quotes, cells, text-only divs) and the runs of text a
container holds beside its blocks (a blog post's lines separated by <br>s).
Each comes with its text and the length of its link text.

One walk in document order records every element's parent, tag and place;
everything else (which blocks are innermost, which are inside links, the
subtree of an element) is worked out from those lists, never by walking the
tree again. Tags are compared by Lexbor's numeric tag ids, which cost a
fifth of reading a tag's name.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from itertools import compress

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .boilerplate import is_boilerplate
from .clean import squash_space, strip_forbidden

_BLOCK_NAMES = (
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt",
    "td", "th", "figcaption", "div",
)  # fmt: skip
# Containers that may hold text of their own beside their blocks.
_CONTAINER_NAMES = ("section", "article", "main")
# Children that end a run of a container's own text.
_BREAK_NAMES = (
    "table", "ul", "ol", "dl", "header", "footer", "aside", "nav", "figure", "form", "hr",
    "img", "iframe", "video", "picture",
)  # fmt: skip
_HEADING_NAMES = ("h1", "h2", "h3", "h4", "h5", "h6")
# Inline wrappers an older page sets a story's text in, beside its tables
# (<td><table>…</table><span class="text">…<br>…</span></td>).
_INLINE_NAMES = ("span", "font", "b", "strong", "i", "em")
# A caption or a label is shorter.
_WRAPPED_CHARS = 200
_MIN_LOOSE_CHARS = 20
# Links sit a level or two inside their block.
_LINK_LEVELS = 4


def _tag_ids(names: tuple[str, ...]) -> dict[int, str]:
    """Lexbor's tag id of each name (the ids of the HTML Standard's tags are fixed)."""
    markup = "".join(f"<{name}></{name}>" for name in names)
    tree = LexborHTMLParser(f"<table><tr><td></td><th></th></tr></table>{markup}")
    body = tree.body
    assert body is not None
    return {node.tag_id: node.tag for node in body.traverse() if node.tag in names}


_NAMES = _tag_ids((*_BLOCK_NAMES, *_CONTAINER_NAMES, *_BREAK_NAMES, "a"))
# The names of the tags told apart here (the furniture tags among them), by id.
TAG_NAMES = _NAMES
BLOCK_IDS = frozenset(i for i, name in _NAMES.items() if name in _BLOCK_NAMES)
HEADING_IDS = frozenset(i for i, name in _NAMES.items() if name in _HEADING_NAMES)
_HOLDER_IDS = BLOCK_IDS | {i for i, name in _NAMES.items() if name in _CONTAINER_NAMES}
_RUN_BREAK_IDS = _HOLDER_IDS | {i for i, name in _NAMES.items() if name in _BREAK_NAMES}
_P_ID = next(i for i, name in _NAMES.items() if name == "p")
_INLINE_IDS = frozenset(_tag_ids(_INLINE_NAMES))
_A_ID = next(i for i, name in _NAMES.items() if name == "a")
_IFRAME_ID = next(i for i, name in _NAMES.items() if name == "iframe")
_P_IDS = frozenset({_P_ID})
# Which of a walk's lists an element's place goes in, by its tag id: the
# holders of blocks, inline wrappers, links, frames (as ``Walk`` orders them).
_GROUP_OF = {
    **dict.fromkeys(_HOLDER_IDS, 0),
    **dict.fromkeys(_INLINE_IDS, 1),
    _A_ID: 2,
    _IFRAME_ID: 3,
}
_TEXT_ID = 2
_COMMENT_ID = 4


@dataclass(slots=True)
class Block:
    node: LexborNode
    tag: str
    text: str
    links: int
    index: int  # the block element's place in the walk
    # Where its text stands in document order: its element's place, or for a
    # run of a container's own text, just before the element that ends it.
    order: float


def text_of(node: LexborNode) -> str:
    return squash_space(strip_forbidden(node.text_lexbor()))


class Walk:
    """The elements under a scope in document order, with their parents and subtrees."""

    def __init__(self, scope: LexborNode) -> None:
        nodes = list(scope.traverse())
        self.nodes = nodes
        tags: list[int] = []
        # The places of the tags the blocks are found by, listed in the
        # same pass: a pass of its own over the tags costs a call per
        # element for each kind.
        holders: list[int] = []
        inline: list[int] = []
        links: list[int] = []
        frames: list[int] = []
        groups = (holders, inline, links, frames)
        group_of = _GROUP_OF.get
        for i, node in enumerate(nodes):
            tag = node.tag_id
            tags.append(tag)
            group = group_of(tag)
            if group is not None:
                groups[group].append(i)
        self.tags = tags
        self.holders, self.inline, self.links, self.frames = groups
        # Each parent is told by its address, read from its child (a node's
        # hash reads it through a property call of its own, and a lookup by
        # node compares the two nodes too). An element's own address is never
        # read: a parent not met yet as one is the element just before its
        # child (its first child follows it, and every element above that
        # one has a child placed already). A quarter less time than reading
        # every element's address as well. The scope's parent is outside: -1.
        places: dict[int, int] = {}
        place_of = places.setdefault
        self.parents = [-1] + [
            place_of(node.parent.mem_id, before) for before, node in enumerate(nodes[1:])
        ]
        self._holds_paragraph: list[bool] | None = None
        self._children: list[list[int]] | None = None

    def children(self, index: int) -> list[int]:
        """The walk indexes of the children of element ``index``, in order.

        Rarely asked (of containers with text of their own between their
        children): listed for every element the first time, in one pass.
        """
        if self._children is None:
            children: list[list[int]] = [[] for _ in self.parents]
            for child, parent in enumerate(self.parents[1:], 1):
                children[parent].append(child)
            self._children = children
        return self._children[index]

    def end(self, index: int) -> int:
        """The walk index just past the subtree of element ``index``.

        Every element's subtree is the run of elements from it to its end, so
        whether an element is inside it tells on which side of the end it
        lies: the end is found by halving, a few walks up the parents,
        instead of a pass over every element.
        """
        parents = self.parents
        low, high = index + 1, len(parents)
        while low < high:
            middle = (low + high) // 2
            current = middle
            while current > index:
                current = parents[current]
            if current == index:
                low = middle + 1
            else:
                high = middle
        return low

    def holds_paragraph(self, index: int) -> bool:
        """Whether element ``index`` has a <p> inside it.

        Rarely asked (of microdata elements alone): worked out for every
        element the first time, in one pass up from each <p>.
        """
        if self._holds_paragraph is None:
            parents = self.parents
            holds = [False] * len(parents)
            for i in places_of(self.tags, _P_IDS):
                current = parents[i]
                while current >= 0 and not holds[current]:
                    holds[current] = True
                    current = parents[current]
            self._holds_paragraph = holds
        return self._holds_paragraph[index]

    def contains(self, outer: int, inner: int) -> bool:
        return outer <= inner < self.end(outer)


def places_of(tags: list[int], ids: Set[int]) -> list[int]:
    """The walk indexes of the elements whose tag id is one of ``ids``, in order.

    (Every element's test runs in C, no bytecode for each: a quarter less
    time than a comprehension's, on a walk of thousands of elements.)
    """
    return list(compress(range(len(tags)), map(ids.__contains__, tags)))


def text_blocks(walk: Walk, clean: bool = True) -> list[Block]:
    """The text blocks of the walked scope, in document order.

    ``clean``: the text may hold characters XML forbids (spelled as character
    references in the page), to be dropped.
    """
    nodes, tags, parents = walk.nodes, walk.tags, walk.parents
    _drop_fallbacks(nodes, walk.frames)
    holders = walk.holders
    holds = _holding(holders, parents)
    names: dict[str, bool] = {}
    # Containers with an inline child that holds a paragraph's worth of text
    # and no block: a run of the container's own.
    inline = walk.inline
    wrapping = {
        parents[i]
        for i in inline
        if not holds[i]
        and parents[i] >= 0
        and holds[parents[i]]
        and _own_chars(nodes[i]) >= _WRAPPED_CHARS
        and not is_boilerplate(nodes[i], "", walk.holds_paragraph, i, names)
    }
    links, in_link = _links(walk.links, parents)
    blocks: list[Block] = []
    block_at: dict[int, Block] = {}
    runs_found = False
    new = object.__new__
    for i in holders:
        node = nodes[i]
        if not holds[i]:
            raw = node.text_lexbor()
            # The space around it goes first: most texts then hold no layout
            # space to squash, told here without a call.
            text = (strip_forbidden(raw) if clean else raw).strip()
            if "\n" in text or "\t" in text or "\r" in text or "\f" in text or "\v" in text:
                text = squash_space(text)
            if text:
                # Made without __init__: a class's call runs it in an interpreter loop
                # of its own, dearer than making the object and setting its six fields.
                block = new(Block)
                block.node, block.tag, block.text = node, _NAMES[tags[i]], text
                block.index = block.order = i
                if in_link[i]:
                    block.links = len(text)
                else:
                    block.links = 0
                    block_at[i] = block
                blocks.append(block)
        elif tags[i] != _P_ID and (
            i in wrapping
            # (``_own_chars``, its first test here: most containers hold no text.)
            or (
                node.text(deep=False, skip_empty=True)
                and len(node.text(deep=False).strip()) >= _MIN_LOOSE_CHARS
            )
        ):
            runs = _loose_runs(walk, node, i)
            if runs:
                blocks.extend(runs)
                runs_found = True
    # An inline wrapper holding blocks and text of its own between them (an
    # older page's story in a <font>, its paragraphs parted by empty <p>s):
    # its runs are the story's paragraphs. Only the outermost of nested
    # ones: its runs hold the text of those inside it.
    covered = 0  # the walk index just past the last wrapper read
    for i in inline:
        if i >= covered and holds[i] and _own_chars(nodes[i]) >= _WRAPPED_CHARS:
            runs = _loose_runs(walk, nodes[i], i)
            covered = walk.end(i)
            if runs:
                blocks.extend(runs)
                runs_found = True
    _count_links(walk, links, block_at)
    if runs_found:
        # A container's runs were listed with it, before the blocks inside
        # it: each is put where its text stands.
        blocks.sort(key=_in_order)
    return blocks


def _holding(holders: list[int], parents: list[int]) -> list[bool]:
    """Whether each element holds a block (or a container: ``holders``) inside it."""
    holds = [False] * len(parents)
    for i in holders:
        current = parents[i]
        while current >= 0 and not holds[current]:
            holds[current] = True
            current = parents[current]
    return holds


def _own_chars(node: LexborNode) -> int:
    """The length of the text ``node`` holds itself (in no child element), less
    the space around it. Most elements asked hold none but the source's
    indents between their children: those text nodes are all ASCII white
    space, which str.strip takes away, and are told so in C without being
    read (a third less than the read), before the text is read whole."""
    if not node.text(deep=False, skip_empty=True):
        return 0
    return len(node.text(deep=False).strip())


def _links(anchors: list[int], parents: list[int]) -> tuple[list[int], list[bool]]:
    """The walk indexes of the links (of the <a>s at ``anchors``), and whether
    each element is a link or inside one; a link inside a link counts once."""
    count = len(parents)
    in_link = [False] * count
    links = []
    for i in anchors:
        if not in_link[i]:
            links.append(i)
            # A link's subtree is short: its end is the first element after
            # it whose parent comes before it (most links hold no element).
            end = i + 1
            while end < count and parents[end] >= i:
                end += 1
            if end == i + 1:
                in_link[i] = True
            else:
                in_link[i:end] = [True] * (end - i)
    return links, in_link


def _drop_fallbacks(nodes: list[LexborNode], frames: list[int]) -> None:
    """Drop what the <iframe>s at ``frames`` among ``nodes`` hold: the text a
    browser without frames would show (ad scripts written out as text, "your
    browser does not support frames"), never seen where the framed page is.
    (Found in the walk, whose places of them come with it: a walk of the
    tree of their own would cost every page more than the few that hold one.)"""
    for i in frames:
        fallback = nodes[i].child
        while fallback is not None:
            following = fallback.next
            fallback.decompose()
            fallback = following


def _in_order(block: Block) -> float:
    return block.order


def _loose_runs(walk: Walk, container: LexborNode, index: int) -> list[Block]:
    runs = []
    parts: list[str] = []
    links = 0
    # The walk lists every child but text, in the order they come here.
    places = iter(walk.children(index))
    for child in (*container.iter(include_text=True), None):
        tag_id = child.tag_id if child is not None else None
        place = next(places) if tag_id is not None and tag_id != _TEXT_ID else -1
        if child is None or tag_id in _RUN_BREAK_IDS:
            text = squash_space(strip_forbidden("".join(parts)))
            if len(text) >= _MIN_LOOSE_CHARS:
                after = place if child is not None else walk.end(index)
                runs.append(Block(container, "p", text, links, index, after - 0.5))
            parts, links = [], 0
            continue
        if tag_id == _TEXT_ID:
            parts.append(child.text_content or "")
        elif tag_id != _COMMENT_ID:
            text = child.text_lexbor()
            parts.append(text)
            if tag_id == _A_ID:
                links += len(text.strip())
    return runs


def _count_links(walk: Walk, links: list[int], block_at: dict[int, Block]) -> None:
    # Runs of a container's own text have counted their links already, and a
    # block inside a link (a teaser card) is all link.
    if not block_at:
        return
    nodes, parents, at = walk.nodes, walk.parents, block_at.get
    for i in links:
        current, levels = parents[i], _LINK_LEVELS
        # (A count down, not a range object for each link.)
        while levels and current >= 0:
            block = at(current)
            if block is not None:
                block.links += len(nodes[i].text_lexbor().strip())
                break
            current = parents[current]
            levels -= 1
