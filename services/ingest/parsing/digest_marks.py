"""Marks a digest sets before its items ("🇰🇿 Kazakhstan raises …", "▶ …",
"1️⃣ …"): no words of the headline they stand before."""

from __future__ import annotations

# Marks a digest sets before its items: flags and other emoji, arrows, shapes
# and dingbats (■ ▶ ● ★ ✅), with the joiners and selectors emoji are built
# with. Letter-like symbols ("№ 1", "℃") and "©" are words of the text.
_MARK_RANGES = (
    ("\u2190", "\u21ff"),  # arrows
    ("\u2300", "\u23ff"),  # technical: ⏰ ⌚
    ("\u25a0", "\u27bf"),  # shapes, symbols, dingbats
    ("\u2b00", "\u2bff"),  # more arrows and shapes
    ("\U0001f000", "\U0001faff"),  # emoji, flags' regional letters
)
_MARK_PARTS = "\u200d\ufe0e\ufe0f\u20e3"  # joiner, selectors, keycap
# Below this, no character is a mark (letters of every alphabet the region
# writes, bullets and dashes): told with one comparison.
_FIRST_MARK = "\u200d"
# A line opening with more mark groups than this is not a digest's item.
_MAX_MARK_GROUPS = 8


def opens_with_mark(line: str) -> bool:
    """Whether ``line`` may open with a mark: a non-ASCII character first, or a
    keycap ("1️⃣")."""
    return not line[0].isascii() or line[1:2] in ("\ufe0f", "\u20e3")


def without_symbols(line: str) -> str:
    """``line`` less the marks it opens with ("🇰🇿 Kazakhstan raises …", "1️⃣ …"),
    each group parted from what follows by a space; read in one pass."""
    end, size = 0, len(line)
    for _ in range(_MAX_MARK_GROUPS):
        mark = end
        while mark < size and _is_mark(line, mark):
            mark += 1
        if mark in (end, size) or not line[mark].isspace():
            break
        while mark < size and line[mark].isspace():
            mark += 1
        end = mark
    return line[end:] if 0 < end < size else line


def _is_mark(line: str, at: int) -> bool:
    char = line[at]
    if char >= _FIRST_MARK and (
        char in _MARK_PARTS or any(low <= char <= high for low, high in _MARK_RANGES)
    ):
        return True
    # A keycap's digit, "#" or "*": "1️⃣".
    return char in "0123456789#*" and line[at + 1 : at + 2] in ("\ufe0f", "\u20e3")
