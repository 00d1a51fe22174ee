"""A front page's story <article>s, looked through together."""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from .html_tree import TagSet


class WalkedTagSet(TagSet):
    """A ``TagSet`` whose lookup walks the subtree itself: the same elements in
    the same order, without the fixed price of a selector query (its selector
    parsed, the engine's memory set up), some thirty elements' tests."""

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
