"""Text hard-wrapped at a fixed width, as e-mail and wire copy is: which lines
carry on the paragraph of the line above."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .headlines import ends_sentence
from .text_lines import Line

_LIST_ITEM = re.compile(r"[-\u2013\u2014\u2022*\u00b7]\s")
# A hard-wrapped page: lines this long at most (as e-mail and wire text wrap at
# 64 to 80 columns), enough of them close to it.
_MIN_WRAP, _MAX_WRAP = 60, 100
_WRAP_SLACK = 15
# Paragraphs set apart by blank lines: a blank line above one line in this many.
_SPACED_SHARE = 3


def wrapped(texts: Sequence[str], breaks: Sequence[bool], meta: Sequence[bool]) -> list[bool]:
    """For each line, whether the next one carries on its paragraph, wrapped at a
    fixed width as e-mail and wire text is: the line reaches the page's width,
    does not end a sentence, and the next follows without a break (``breaks``:
    a break before each line; ``meta``: the line is a byline or a dateline). On
    a page of one paragraph per line (most pages), no line does."""
    no = [False] * len(texts)
    lengths = [len(text) for text in texts]
    width = max(lengths, default=0)
    if not _MIN_WRAP <= width <= _MAX_WRAP:
        return no
    full = [n >= width - _WRAP_SLACK for n in lengths]
    if sum(full) < 3 or sum(full) * 5 < len(texts):
        return no
    fits = [
        full[k]
        and k + 1 < len(texts)
        and not breaks[k + 1]
        and not _LIST_ITEM.match(texts[k + 1])
        # Wrapped: the next line's first word would not have fitted on this one.
        and lengths[k] + 1 + len(texts[k + 1].split(maxsplit=1)[0]) > width - 2
        and not meta[k]
        for k in range(len(texts))
    ]
    joins = [fit and not ends_sentence(text) for fit, text in zip(fits, texts, strict=True)]
    # Wrapped prose carries on mid-sentence, mostly in lower case; lines that each
    # start with a capital are paragraphs of their own, however long.
    lower = sum(joins[k] and texts[k + 1][:1].islower() for k in range(len(texts)))
    if not lower * 2 >= sum(joins) > 0:
        return no
    # A page that sets its paragraphs apart by blank lines carries one on past a
    # sentence's end too ("…, the carrier said." / "Tickets go on sale …").
    return fits if sum(breaks) * _SPACED_SHARE >= len(texts) else joins


def opens_wrapped_prose(lines: Sequence[Line], i: int, continues: Sequence[bool]) -> bool:
    """Whether line ``i`` opens a paragraph hard-wrapped over the lines after it
    (``continues``, as ``wrapped`` tells): its last line ends a sentence. A
    headline wrapped over two lines ends without one, over its story's text."""
    if not continues[i]:
        return False
    last = i + 1
    while last < len(lines) and continues[last]:
        last += 1
    return last < len(lines) and ends_sentence(lines[last].text)
