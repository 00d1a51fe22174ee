"""A front page's site chrome: menus, sidebars, footers and forms, dropped and counted.

Their text went into no story; the diagnostics say how much, by kind.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .clean import strip_forbidden
from .html_tree import Ancestry
from .notes import Notes

# Site chrome around and inside articles: menus, sidebars ("Most read"),
# footers with share links, forms. A page-level <header> holds the site menus
# too, but an article's own <header> holds its title, so headers are sorted
# out separately.
CHROME_TAGS = ["nav", "aside", "footer", "form"]
# Menus first: footers and sidebars hold menus and forms, and each is counted
# without what was counted before it.
_KINDS_IN_ORDER = ("nav", "form", "aside", "footer")
# More of one kind than a page has side by side: some may nest.
_MANY = 100
# What a front page leaves out, by kind (the diagnostics' names).
SITE_CHROME = "site chrome"
COMMENTS = "comments"
OUTSIDE = "outside the stories"
BARE_HEADINGS = "headings without text"
_SAMPLE_WORDS = 30
# ASCII's unprintable characters: its white space but the space among them.
_ASCII_UNPRINTABLE = bytes(range(32)) + b"\x7f"


class ChromeCut:
    """The chrome taken out of a tree, which can be put back where it was.

    Taken out, not destroyed: a reading that needs the whole page again (a
    ticker bar inside a menu) puts it back for as long as it reads.
    """

    __slots__ = ("_taken",)

    def __init__(self) -> None:
        # Each element taken, with its parent and next sibling at the time.
        self._taken: list[tuple[LexborNode, LexborNode | None, LexborNode | None]] = []

    def __bool__(self) -> bool:
        return bool(self._taken)

    def take(self, node: LexborNode) -> None:
        self._taken.append((node, node.parent, node.next))
        node.decompose(recursive=False)  # unlinked with what it holds, not freed

    def take_all(self, nodes: list[LexborNode]) -> None:
        """Take ``nodes`` out (in document order), the last first: each after
        what it holds."""
        taken = self._taken
        for node in reversed(nodes):
            taken.append((node, node.parent, node.next))
            node.decompose(recursive=False)

    @contextmanager
    def put_back(self) -> Iterator[None]:
        """The tree as it was before the cut, inside the block."""
        # Last taken, first put back: each goes back into the tree as it was
        # when it was taken.
        for node, parent, following in reversed(self._taken):
            if following is not None:
                following.insert_before(node, move=True)
            elif parent is not None:
                parent.insert_child(node, move=True)
        try:
            yield
        finally:
            for node, _, _ in self._taken:
                node.decompose(recursive=False)


def drop_site_chrome(tree: LexborHTMLParser, notes: Notes) -> ChromeCut:
    """Drop the page's menus, sidebars, footers and forms, their text counted as left out.

    Each menu, form, sidebar and footer counts as one block, less the ones
    counted inside it. Invisible elements must be gone already, or a menu's
    scripts would count as its text. Returns what was taken out.
    """
    cut = ChromeCut()
    ancestry = Ancestry()
    # The blocks' texts, counted in one note at the end.
    counted: list[str] = []
    # One tag at a time, each dropped once counted: what it held is gone
    # before the next kind is looked up. Tag lookups skip the selector
    # engine's cost.
    for tag in _KINDS_IN_ORDER:
        nodes = tree.tags(tag)
        if not nodes:
            continue
        if len(nodes) > _MANY:
            # Only the outermost, from a query that checks ancestors in C: a
            # page nesting thousands would otherwise have each one's text read.
            nodes = tree.css(f"{tag}:not({tag} *)")
        outer = None
        for node in nodes:
            text = block_words(node)
            # One nested in a counted one of its kind has text found in it.
            if outer is not None and text in outer and ancestry.inside(node, tag):
                continue
            outer = text
            counted.append(text)
        # Those found are taken out (the last first, each after what it
        # holds), not looked up again; what they hold goes with them.
        cut.take_all(nodes)
    note_blocks(notes, SITE_CHROME, counted)
    return cut


def note_text(notes: Notes, kind: str, node: LexborNode) -> None:
    """Count the visible text under ``node`` as left out, if it has any."""
    note_words(notes, kind, block_words(node))


def note_texts(notes: Notes, kind: str, texts: list[str]) -> None:
    """Count each of ``texts`` (squashed, none empty) as a block of ``kind`` left
    out: in one count, as each would be counted in turn, the first the sample."""
    if texts:
        notes.add(kind, texts[0], sum(map(len, texts)), len(texts))


def block_words(node: LexborNode) -> str:
    """The text under ``node``, each of its texts stripped and joined by a space
    (those of nothing but white space left out): the words of its whole text,
    most often already squashed."""
    return node.text(separator=" ", strip=True, skip_empty=True)


def note_blocks(notes: Notes, kind: str, texts: list[str]) -> None:
    """Count each of ``texts`` (``block_words``) as a block of ``kind`` left out,
    in one note, as ``note_words`` would count each in turn."""
    chars = blocks = 0
    sample = "" if kind in notes else None
    for text in texts:
        # One that is single-spaced is itself squashed, less a space at either end.
        size = len(text.strip(" ")) if _single_spaced(text) else len(" ".join(text.split()))
        if size:
            if sample is None:
                sample = strip_forbidden(" ".join(text.split()[:_SAMPLE_WORDS]))
            chars += size
            blocks += 1
    if blocks:
        notes.add(kind, sample or "", chars, blocks)


def note_words(notes: Notes, kind: str, text: str) -> None:
    """Count ``text`` as left out, white space squashed, if it has any."""
    if kind in notes and _single_spaced(text):
        # Its only white space is single spaces (any other is unprintable):
        # squashed it is itself, less a space at either end.
        chars = len(text.strip(" "))
        if chars:
            notes.add(kind, "", chars)
        return
    # Counted by its words (a menu's items often have no white space between
    # them); only the first block's sample is kept, so only its start is
    # joined and cleaned.
    words = text.split()
    if words:
        chars = len(" ".join(words))
        sample = "" if kind in notes else strip_forbidden(" ".join(words[:_SAMPLE_WORDS]))
        notes.add(kind, sample, chars)


def _single_spaced(text: str) -> bool:
    """Whether ``text`` is printable (its only white space is spaces) and holds no
    two spaces running.

    An ASCII text is told by its bytes: the unprintable ones deleted at C speed
    leave it as long as it was, five times faster than ``str.isprintable``'s
    test of each character.
    """
    if "  " in text:
        return False
    if text.isascii():
        data = text.encode("ascii")
        return len(data.translate(None, _ASCII_UNPRINTABLE)) == len(data)
    return text.isprintable()
