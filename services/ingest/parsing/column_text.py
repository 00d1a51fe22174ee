"""Text set in narrow columns, as a print page scanned and read by OCR prints
it: every paragraph and headline broken into lines of a few words, words
hyphenated at the line's end ("Tues-" / "day"), blank lines between the
blocks. Each block is joined back into one line, its hyphens healed, so the
page reads as one of a paragraph a line; wider text is left to
``wrapped_lines``, which tells its paragraphs apart by its width.
"""

from __future__ import annotations

from itertools import pairwise
from statistics import median

from .bylines import byline_authors
from .dates import is_date_line

# A column: the lines of its blocks this long at most (a median), many of them
# broken off mid-sentence and carried on by the next.
_COLUMN_CHARS = 48
_MIN_BLOCK_LINES = 8
_CARRIED_SHARE = 0.3
_ENDS = ".!?:;\"'»”)…"
# A line this long is no column's (a masthead, a rule): it stands alone.
_WIDE = 60
_LABEL_CHARS = 20


def column_rows(text: str, rows: list[str]) -> list[str] | None:
    """``rows`` with each block of a narrow column's lines joined into one, when
    ``text`` (split into ``rows``) is set so; None otherwise. A page of long
    lines is told so at once, by its length against its count of lines."""
    if len(text) > _COLUMN_CHARS * len(rows):
        return None
    blocks = _blocks(rows)
    inner = [line for block in blocks if len(block) > 1 for line in block]
    if len(inner) < _MIN_BLOCK_LINES or median(map(len, inner)) > _COLUMN_CHARS:
        return None
    # Broken off mid-sentence: the next line carries on in lower case.
    carried = sum(
        above[-1] not in _ENDS and line[:1].islower() and ":" not in line[:_LABEL_CHARS]
        for block in blocks
        for above, line in pairwise(block)
    )
    if carried < _CARRIED_SHARE * len(inner):
        return None
    joined: list[str] = []
    for block in blocks:
        joined.extend(_joined(block))
        joined.append("")
    return joined


def _blocks(rows: list[str]) -> list[list[str]]:
    """The runs of lines between blank lines, each line stripped."""
    blocks: list[list[str]] = [[]]
    for raw in rows:
        line = raw.strip()
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _joined(block: list[str]) -> list[str]:
    """A block's lines joined where one carries on the line above: not after a
    byline or a date line, which stand on lines of their own, nor a line of
    another width (a masthead, a rule) or one opening with a mark."""
    lines = [block[0]]
    for above, line in pairwise(block):
        if (
            len(above) > _WIDE
            or len(line) > _WIDE
            or not line[0].isalnum()
            or ":" in line[:_LABEL_CHARS]  # a field or a label's line: "link: …"
            or byline_authors(above) is not None
            or is_date_line(above)
        ):
            lines.append(line)
        elif above[-1] == "-" and above[-2:-1].isalpha() and line[:1].islower():
            lines[-1] = lines[-1][:-1] + line  # "Tues-" / "day": one word
        else:
            lines[-1] = f"{lines[-1]} {line}"
    return lines
