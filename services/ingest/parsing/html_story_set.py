"""A front page's story <article>s: found, their chrome dropped, looked through together.

Every selector query has a fixed price (its selector parsed, the engine's
memory set up) of some thirty elements' tests, paid again for each element it
is asked of. A page's stories most often stand side by side in one element
(a WordPress loop's row): a query of that element, its matches sorted out to
the stories holding them, finds what a query of each story would, in the
same order, for one price instead of one a story.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from selectolax.lexbor import LexborNode

from .html_chrome import COMMENTS, SITE_CHROME, block_words, note_words
from .html_tree import Ancestry, TagSet
from .notes import Notes

# Readers' comments under a story are not part of it, whatever their markup: WordPress's
# <div id="comments" class="comments-area"> holding an <ol class="comment-list">, a
# <section class="comments">, or a lone <div class="comment-content">. Whole class names
# only, so that a story in category-commentary stays.
_COMMENTS = "#comments, .comments, .comments-area, .comment-list, .comment-content"
# Each selector in a list costs a test of every element, so roles are matched as one [role]
# and sorted out here, with the headers. A page's footer before <footer> was, by the id
# sites gave it: its boxes (sponsored links, a marketplace, the site's sections) are no stories.
_CHROME = "header, [role], [hidden], #footer"
_ARTICLE_CHROME = "[role], [hidden]"
_CHROME_ROLES = frozenset({"navigation", "complementary", "contentinfo", "banner", "search"})
# The page's stories: outermost <article>s (comments and related items nested
# in a story are not stories) that are not themselves chrome or inside it
# (a hidden draft, a "related" sidebar, the page header, readers' comments).
# The query checks the ancestors in C, cheaper than walking up from Python.
_NOT_STORY = ", ".join(
    ["header", "[hidden]", _COMMENTS, *(f'[role="{role}"]' for role in sorted(_CHROME_ROLES))]
)
STORIES = f"article:not(article *):not(:is({_NOT_STORY})):not(:is({_NOT_STORY}) *)"


class Stories:
    """The stories' elements (in document order, none inside another) and, when
    they are all the children of one element besides a few that hold no other
    (a separator, an empty slot), that element: its other content is too little
    to cost a query more than it saves."""

    __slots__ = ("_found", "_index", "elements", "holder")

    def __init__(self, elements: Sequence[LexborNode]) -> None:
        self.elements = elements
        self._index = {element.mem_id: k for k, element in enumerate(elements)}
        self.holder = _holder(elements, self._index) if len(elements) > 1 else None
        # Each element walked through on the way up from a match: the story it is in.
        self._found: dict[int, int | None] = {}

    def query(self, selector: str) -> list[list[LexborNode]]:
        """Each story's matches of ``selector`` (itself among them when it
        matches), in document order, as a query of each would give them."""
        if self.holder is None:
            return [element.css(selector) for element in self.elements]
        found: list[list[LexborNode]] = [[] for _ in self.elements]
        # Asked again after the tree has changed: what was walked is walked anew.
        self._found = {self.holder.mem_id: None}
        for node in self.holder.css(selector):
            story = self._story_of(node)
            if story is not None:
                found[story].append(node)
        return found

    def _story_of(self, node: LexborNode) -> int | None:
        return nearest_marked(node, self._index, self._found)


T = TypeVar("T")


def nearest_marked(
    start: LexborNode | None, marks: dict[int, T], seen: dict[int, T | None]
) -> T | None:
    """What ``marks`` holds for ``start`` or its nearest ancestor in it (by
    ``mem_id``), else None. Each element walked through is remembered in
    ``seen`` with the answer (``seen`` may be ``marks`` itself), so a page's
    elements are walked through once at most, however many are asked about."""
    path = []
    current = start
    found = None
    while current is not None:
        mem_id = current.mem_id
        if mem_id in marks:
            found = marks[mem_id]
            break
        if mem_id in seen:
            found = seen[mem_id]
            break
        path.append(mem_id)
        current = current.parent
    for mem_id in path:
        seen[mem_id] = found
    return found


def _holder(elements: Sequence[LexborNode], index: dict[int, int]) -> LexborNode | None:
    """The element whose children ``elements`` all are, when its other
    children hold no element; else None."""
    parent = elements[0].parent
    if parent is None:
        return None
    parent_id = parent.mem_id
    for element in elements:
        above = element.parent
        if above is None or above.mem_id != parent_id:
            return None
    for child in parent.iter():
        if child.mem_id not in index and next(child.iter(), None) is not None:
            return None
    return parent


class WalkedTagSet(TagSet):
    """A ``TagSet`` whose lookup walks the subtree itself: the same elements in
    the same order, without a query's fixed price."""

    __slots__ = ()

    def elements(self, scope: LexborNode) -> tuple[list[LexborNode], list[str]]:
        names = self._names
        nodes: list[LexborNode] = []
        tags: list[str] = []
        # Comment nodes come too, under no name of an element.
        for node in scope.traverse():
            name = names.get(node.tag_id)
            if name is not None:
                nodes.append(node)
                tags.append(name)
        return nodes, tags


def drop_chrome(scope: LexborNode, notes: Notes, ancestry: Ancestry) -> None:
    """Drop the readers' comments, then the chrome, under ``scope`` (a page's
    body), their text counted in ``notes``."""
    # Matches come in document order, where a node's descendants follow
    # it, and once for each selector they match: taken once each, last
    # first, none is touched after it or an ancestor has been freed.
    comments = _less(scope, scope.css(_COMMENTS))
    for node in outermost(comments, ancestry):
        note_words(notes, COMMENTS, block_words(node))
    _free(comments)
    doomed = [node for node in _less(scope, scope.css(_CHROME)) if is_chrome(node, ancestry)]
    for node in outermost(doomed, ancestry):
        if "hidden" not in node.attributes:
            note_words(notes, SITE_CHROME, block_words(node))
    _free(doomed)


def drop_story_chrome(stories: Stories, notes: Notes, ancestry: Ancestry) -> None:
    """``drop_chrome`` in each story, where a <header> holds its title, never
    the site's menus: the stories' comments, then their chrome, each looked
    up once for all, counted story by story as each story's own lookups would."""
    texts: list[list[tuple[str, str]]] = []
    for element, found in zip(stories.elements, stories.query(_COMMENTS), strict=True):
        comments = _less(element, found)
        texts.append([(COMMENTS, block_words(node)) for node in outermost(comments, ancestry)])
        _free(comments)
    for element, found, counted in zip(
        stories.elements, stories.query(_ARTICLE_CHROME), texts, strict=True
    ):
        doomed = [node for node in _less(element, found) if is_chrome(node, ancestry)]
        counted.extend(
            (SITE_CHROME, block_words(node))
            for node in outermost(doomed, ancestry)
            if "hidden" not in node.attributes
        )
        _free(doomed)
    for counted in texts:
        for kind, text in counted:
            note_words(notes, kind, text)


def _less(scope: LexborNode, found: list[LexborNode]) -> list[LexborNode]:
    """``found`` once each, less ``scope``: a query matches its scope too, and
    the scope is never dropped here."""
    return list({node.mem_id: node for node in found if node.mem_id != scope.mem_id}.values())


def _free(nodes: list[LexborNode]) -> None:
    for node in reversed(nodes):
        node.decompose()


def outermost(nodes: Iterable[LexborNode], ancestry: Ancestry) -> list[LexborNode]:
    """Those of ``nodes`` (in document order) inside none of the others."""
    outer: list[LexborNode] = []
    for node in nodes:
        # A node's descendants follow it: one inside an earlier node is
        # inside the last outermost one.
        if not outer or not ancestry.contains(outer[-1], node):
            outer.append(node)
    return outer


def is_chrome(node: LexborNode, ancestry: Ancestry) -> bool:
    # A page header holds the site menus; an article's own header its title.
    if node.tag == "header" and not ancestry.inside(node, "article"):
        return True
    attributes = node.attributes
    return (
        "hidden" in attributes
        or (attributes.get("role") or "").strip() in _CHROME_ROLES
        or attributes.get("id") == "footer"
    )
