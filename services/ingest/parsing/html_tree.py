"""The HTML tree and helpers over its elements: building it, dropping what is
never seen, an element's text, its ancestry, a heading's link.

Lexbor (through selectolax) builds the tree: it is fast, follows the HTML
Standard, expands no external entities and never touches the network. Every
CSS query walks the whole tree, so the page is read with a handful of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from selectolax.lexbor import (
    LexborDocumentOptions,
    LexborHTMLParser,
    LexborNode,
    SelectolaxError,
)

from .ceiling import address_space_ceiling, release_free_memory, tree_budget
from .clean import PARAGRAPH_BREAK, strip_forbidden
from .model import ParseError

# Never visible, so never content; an icon's <svg><title> would otherwise end
# up inside a headline. A drop-down list shows one of its options at a time:
# they are a form's choices (towns for the weather, sections), never text.
_INVISIBLE = ["script", "style", "noscript", "template", "svg", "select"]
INVISIBLE_TAGS = frozenset(_INVISIBLE)


def build_tree(source: bytes) -> LexborHTMLParser:
    """The page's tree, or ParseError if its markup cannot be read or would take too much memory."""
    budget = tree_budget(len(source))
    with address_space_ceiling(budget) as bounded:
        try:
            # Without the mutation events, which only mirror a <select>'s
            # chosen <option> into <selectedcontent>: 3% less parse time.
            return LexborHTMLParser(source, options=LexborDocumentOptions.WO_EVENTS)
        except (SelectolaxError, MemoryError):
            if not bounded:
                raise ParseError("the page's markup could not be parsed") from None
    release_free_memory()
    raise ParseError(
        f"the page's markup builds a document tree of more than {budget // 2**20:,} MB, "
        f"over {budget // max(len(source), 1):,} bytes for each byte of the page; "
        "no news page does"
    )


def drop_invisible(holder: LexborHTMLParser | LexborNode, paragraphs: bool = False) -> None:
    """Drop what is never seen from the whole tree or from under one node.

    ``paragraphs``: a pair of line breaks (blank space between them), as older
    sites separate a story's paragraphs, becomes a ``PARAGRAPH_BREAK``.
    """
    holder.strip_tags(_INVISIBLE, recursive=True)
    # On the whole tree a tag lookup, which skips the CSS engine's cost per query.
    breaks = holder.tags("br") if isinstance(holder, LexborHTMLParser) else holder.css("br")
    for br in breaks:
        # A line break separates words; dropped, it would glue them together.
        br.replace_with(PARAGRAPH_BREAK if paragraphs and _before_a_break(br) else " ")


def _before_a_break(br: LexborNode) -> bool:
    """Whether another <br> follows ``br`` with nothing but blank space between."""
    following = br.next
    if following is not None and following.tag == "-text":
        if (following.text_content or "").strip():
            return False
        following = following.next
    return following is not None and following.tag == "br"


class TagSet:
    """Element names looked for under a node, told by Lexbor's tag ids.

    Each name in a selector list costs the engine a test of every element
    (and a parse of the list per query): listing every element once and
    keeping those whose tag id is one of the names costs less from a few
    names on. A tag id stands for its name whatever the element's namespace,
    as a type selector matches.
    """

    __slots__ = ("_names",)

    def __init__(self, names: Iterable[str]) -> None:
        factory = LexborHTMLParser("")
        self._names = {factory.create_node(name).tag_id: name for name in names}

    def elements(self, scope: LexborNode) -> tuple[list[LexborNode], list[str]]:
        """The elements under ``scope`` (itself included) with one of the names,
        in document order, and their names."""
        names = self._names
        nodes: list[LexborNode] = []
        tags: list[str] = []
        for node in scope.css("*"):
            name = names.get(node.tag_id)
            if name is not None:
                nodes.append(node)
                tags.append(name)
        return nodes, tags


def node_text(node: LexborNode, separator: str = "") -> str:
    """The text under ``node``, free of the characters XML forbids."""
    text = node.text(separator=separator)
    # Lexbor expands character references, and a numeric one can spell a
    # character XML forbids (&#1;, &#xFFFE;); the source was clean.
    return strip_forbidden(text)


class Ancestry:
    """Depths and enclosing tags of nodes, remembered by node.

    Walking up from every node of a deeply nested page would take time
    quadratic in its depth (10,000 nested lists are a few kilobytes); with
    each node's answer remembered, every node is visited once.
    """

    def __init__(self) -> None:
        self._depth: dict[int, int] = {}
        self._within: dict[tuple[int, str], bool] = {}

    def depth(self, node: LexborNode) -> int:
        depths = self._depth
        path = []
        current: LexborNode | None = node
        depth = -1
        # Each node's id read once: a property call that builds an int.
        while current is not None:
            mem_id = current.mem_id
            known = depths.get(mem_id)
            if known is not None:
                depth = known
                break
            path.append(mem_id)
            current = current.parent
        if not path:
            return depth
        for mem_id in reversed(path):
            depth += 1
            depths[mem_id] = depth
        return depth

    def inside(self, node: LexborNode, tag: str) -> bool:
        """Whether an ancestor of ``node`` is a ``tag`` element."""
        # Remembered per node: whether it is a ``tag`` element or inside one.
        path = []
        current = node.parent
        while current is not None and (current.mem_id, tag) not in self._within:
            path.append(current)
            current = current.parent
        within = False if current is None else self._within[(current.mem_id, tag)]
        for ancestor in reversed(path):
            within = within or ancestor.tag == tag
            self._within[(ancestor.mem_id, tag)] = within
        parent = node.parent
        return parent is not None and self._within[(parent.mem_id, tag)]

    def contains(self, outer: LexborNode, inner: LexborNode) -> bool:
        """Whether ``inner`` is a descendant of ``outer``."""
        steps = self.depth(inner) - self.depth(outer)
        current: LexborNode | None = inner
        for _ in range(steps):
            current = current.parent if current is not None else None
        return steps > 0 and current is not None and current.mem_id == outer.mem_id


def heading_link(heading: LexborNode) -> LexborNode | None:
    parent = heading.parent
    if parent is not None and parent.tag == "a" and "href" in parent.attributes:
        return parent
    has_elements = False
    # The link is nearly always a direct child; a query is a walk of its own.
    for child in heading.iter():
        if child.tag == "a" and "href" in child.attributes:
            return child
        has_elements = True
    return heading.css_first("a[href]") if has_elements else None


def links_away(heading: LexborNode) -> bool:
    """Whether the first link in ``heading`` leads to another page, not to
    an anchor in this one. (Its few elements looked through: a selector
    query costs more than the walk.)"""
    for inner in heading.traverse():
        if inner.tag == "a":
            href = inner.attributes.get("href")
            if href is not None:
                return not href.startswith("#")
    return False
