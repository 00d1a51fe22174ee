"""Lists among a story's blocks: where a run of items starts."""

from selectolax.lexbor import LexborHTMLParser

from services.ingest.parsing.extract import _list_start
from services.ingest.parsing.html_blocks import Block


def items(markup: str) -> list[Block]:
    tree = LexborHTMLParser(markup)
    return [
        Block(node, "li", node.text(), 0, place, float(place))
        for place, node in enumerate(tree.css("li"))
    ]


def test_two_lists_of_the_same_items_are_two_lists() -> None:
    kept = items("<ul><li>Share</li><li>Print</li></ul><ul><li>Share</li><li>Print</li></ul>")
    assert _list_start(kept, 3) == 2
    assert _list_start(kept, 1) == 0


def test_a_list_runs_back_to_its_first_item() -> None:
    kept = items("<ul><li>One</li><li>Two</li><li>Three</li></ul>")
    assert _list_start(kept, 2) == 0
