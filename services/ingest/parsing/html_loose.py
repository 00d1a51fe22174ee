"""A front page's loose text: what stands in no story and in no block.

Once a front page's stories are read and the headings and blocks under no
story counted, what text is left stands outside every block: a
breaking-news bar of bare ``<span>``s and links, a card's label ("Exclusive",
"Video", "Реклама"), a ticker of headlines. It went into no article, and is
counted so, each piece of text one block.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from selectolax.lexbor import LexborNode

from .articles import is_page_furniture
from .clean import squash_space, strip_forbidden
from .html_chrome import note_texts
from .notes import Notes
from .ticker import names_a_pair

LOOSE = "loose text"
# Between the pieces of text: the parser turns a NUL in the page into U+FFFD,
# so none is ever part of one.
_SEPARATOR = "\x00"
# A piece with no letter is a bullet, a bar, a count or a number of a ticker.
_LETTER = re.compile(r"[^\W\d_]")
# What a person never sees (a closed menu, a modal, screen-reader text aside):
# what is left of the page is looked through for it only when it holds text.
MAY_HIDE = '[aria-hidden="true" i], [style*="none" i], [style*="hidden" i]'
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def count_loose_text(
    scopes: Sequence[LexborNode],
    blocks: Iterable[Sequence[LexborNode]],
    read: Iterable[LexborNode],
    notes: Notes,
    *,
    clean: bool,
    hidden: Iterable[list[LexborNode] | None] | None = None,
) -> None:
    """Count in ``notes`` the text of each of ``scopes`` outside its ``blocks``
    (its headings and text blocks, each counted or read already) and ``read``
    (the elements whose time or byline a story took, and the page's <title>,
    which a stray element before it moves into the body, never shown). The
    tree is read no more: they are taken out of it for good. ``clean``: no
    text holds a character XML forbids. ``hidden``: for each scope, what it
    hides (``may_hide``), when that was looked up already (None: not)."""
    # Unlinked, not freed: one inside another taken out already stays safe to touch.
    for node in read:
        node.decompose(recursive=False)
    # Most pieces come again and again (each card's label, date line and
    # "By"): each is judged once, the date lines parsed once.
    judged: dict[str, str] = {}
    counted: list[str] = []
    hides = [None] * len(scopes) if hidden is None else hidden
    for scope, inside, hides_here in zip(scopes, blocks, hides, strict=True):
        for node in inside:
            node.decompose(recursive=False)
        for piece in _pieces(scope, hides_here):
            loose = judged.get(piece)
            if loose is None:
                loose = judged[piece] = _loose(piece, clean)
            if loose:
                counted.append(loose)
    note_texts(notes, LOOSE, counted)


def _loose(piece: str, clean: bool) -> str:
    """``piece`` as counted, or "" when it is no loose text."""
    if _LETTER.search(piece) is None:
        return ""
    piece = squash_space(piece if clean else strip_forbidden(piece))
    # A ticker's quotes (a bar's pair alone, in a span of its own, too)
    # and the page's date line are the page's.
    if piece and not is_page_furniture(piece) and not _names_pair_alone(piece):
        return piece
    return ""


def may_hide(found: list[LexborNode]) -> list[LexborNode]:
    """Those of ``found`` (a scope's matches of ``MAY_HIDE``) that a reader never sees."""
    return [node for node in found if _hidden(node)]


def _pieces(scope: LexborNode, hidden: list[LexborNode] | None = None) -> list[str]:
    """The pieces of text of ``scope`` a reader sees; ``hidden``: what it hides,
    when looked up already (its blocks still in it, which changes nothing:
    their text is no piece, and what hides the scope itself comes first).

    What is hidden is looked up first, so that the text is read once, without
    it: a scope with no text at all (a card's image) is rare, and dropping a
    hidden element from it leaves it without text all the same.
    """
    if hidden is None:
        hidden = may_hide(scope.css(MAY_HIDE))
    if hidden and hidden[0].mem_id == scope.mem_id:
        return []  # a hidden card shows nothing
    for node in hidden:
        node.decompose(recursive=False)
    text = scope.text(separator=_SEPARATOR, strip=True, skip_empty=True)
    return text.split(_SEPARATOR) if text else []


def _names_pair_alone(piece: str) -> bool:
    """Whether ``piece`` is a ticker's pair and figures, no words ("USD/KZT")."""
    return "/" in piece and piece.upper() == piece and names_a_pair(piece)


def _hidden(node: LexborNode) -> bool:
    attributes = node.attributes
    if (attributes.get("aria-hidden") or "").strip().lower() == "true":
        return True
    return _HIDDEN_STYLE.search(attributes.get("style") or "") is not None
