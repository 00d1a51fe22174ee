"""The chrome-line patterns that open with a look at their first letters.

Each such pattern starts with ``(?=[…])``, a class of the letters its
alternatives can start with, so that a line starting otherwise fails at once.
An alternative added later whose first letter the class lacks would never
match: these tests read every pattern's possible first characters from its
parse tree and check that the class admits each of them.
"""

import re
import re._constants as sre
import re._parser as sre_parse

import pytest

from services.ingest.parsing import chrome_lines

_LOOK = re.compile(r"\(\?=(\[[^\]]*\])\)")
_EMPTY = "empty"  # what a part that can match nothing lets through


def first_characters(items: list, start: int = 0) -> set:
    """What a match of ``items[start:]`` can start with: code points, categories
    (``\\d``…) and ``_EMPTY`` when it can match nothing."""
    if start == len(items):
        return {_EMPTY}
    op, value = items[start]
    if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
        return first_characters(items, start + 1)
    if op is sre.LITERAL:
        found = {value}
    elif op is sre.IN:
        found = set()
        for kind, item in value:
            if kind is sre.LITERAL:
                found.add(item)
            elif kind is sre.RANGE:
                found.update(range(item[0], item[1] + 1))
            elif kind is sre.CATEGORY:
                found.add(item)
            else:
                raise AssertionError(f"a first character of kind {kind} is not read here")
    elif op is sre.BRANCH:
        found = set().union(*(first_characters(list(branch)) for branch in value[1]))
    elif op is sre.SUBPATTERN:
        found = first_characters(list(value[3]))
    elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        found = first_characters(list(value[2])) | ({_EMPTY} if value[0] == 0 else set())
    else:
        raise AssertionError(f"a pattern part {op} is not read here")
    if _EMPTY in found:
        found = (found - {_EMPTY}) | first_characters(items, start + 1)
    return found


def example(first: object) -> str:
    """A character ``first`` stands for."""
    if first == sre.CATEGORY_DIGIT:
        return "7"
    if first == sre.CATEGORY_SPACE:
        return " "
    assert isinstance(first, int), first
    return chr(first)


LOOKING = [
    chrome_lines._CHROME_START,
    chrome_lines.CAPTION,
    chrome_lines._LABEL,
    chrome_lines._LINKS_LABEL,
]


@pytest.mark.parametrize("pattern", LOOKING, ids=lambda pattern: pattern.pattern[:30])
def test_the_look_admits_every_first_character(pattern: re.Pattern[str]) -> None:
    look = _LOOK.match(pattern.pattern)
    assert look is not None, "the pattern opens with its look at first letters"
    admitted = re.compile(look.group(1), pattern.flags)
    rest = sre_parse.parse(pattern.pattern[look.end() :], pattern.flags)
    firsts = first_characters(list(rest))
    assert _EMPTY not in firsts
    missing = sorted(example(first) for first in firsts if not admitted.match(example(first)))
    assert missing == []


def test_a_first_letter_missing_from_the_look_is_found() -> None:
    pattern = re.compile(r"(?=[ab])(?:apple|banana|cherry)", re.IGNORECASE)
    look = _LOOK.match(pattern.pattern)
    assert look is not None
    admitted = re.compile(look.group(1), pattern.flags)
    firsts = first_characters(list(sre_parse.parse(pattern.pattern[look.end() :], pattern.flags)))
    assert [example(first) for first in firsts if not admitted.match(example(first))] == ["c"]
