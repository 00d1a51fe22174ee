"""A front page's site chrome: menus, sidebars, footers and forms, dropped and counted.

Their text went into no story; the diagnostics say how much, by kind.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .clean import strip_forbidden
from .notes import Notes

# Site chrome around and inside articles: menus, sidebars ("Most read"),
# footers with share links, forms. A page-level <header> holds the site menus
# too, but an article's own <header> holds its title, so headers are sorted
# out separately.
CHROME_TAGS = ["nav", "aside", "footer", "form"]
_CHROME_LIST = ", ".join(CHROME_TAGS)
# What a front page leaves out, by kind (the diagnostics' names).
SITE_CHROME = "site chrome"
COMMENTS = "comments"
OUTSIDE = "outside the stories"
BARE_HEADINGS = "headings without text"
_SAMPLE_WORDS = 30


def drop_site_chrome(tree: LexborHTMLParser, notes: Notes) -> None:
    """Drop the page's menus, sidebars, footers and forms, their text counted as left out.

    Each outermost one counts as one block. Invisible elements must be gone
    already, or a menu's scripts would count as its text.
    """
    nodes = tree.css(_CHROME_LIST)
    chrome = {node.mem_id for node in nodes}
    # Whether an element is chrome or inside chrome, remembered so that each
    # element is walked over once however deep the page.
    within: dict[int, bool] = {}
    for node in nodes:
        path = []
        current = node.parent
        inside = False
        while current is not None:
            if current.mem_id in within:
                inside = within[current.mem_id]
                break
            if current.mem_id in chrome:
                inside = True
                break
            path.append(current.mem_id)
            current = current.parent
        within.update(dict.fromkeys(path, inside))
        if not inside:
            note_text(notes, SITE_CHROME, node)
    tree.strip_tags(CHROME_TAGS, recursive=True)


def note_text(notes: Notes, kind: str, node: LexborNode) -> None:
    """Count the visible text under ``node`` as left out, if it has any."""
    # Counted by its words (a menu's items often have no white space between
    # them), white space squashed; only the sample's start joined and cleaned.
    words = node.text(separator=" ").split()
    if words:
        chars = sum(map(len, words)) + len(words) - 1
        notes.add(kind, strip_forbidden(" ".join(words[:_SAMPLE_WORDS])), chars)
