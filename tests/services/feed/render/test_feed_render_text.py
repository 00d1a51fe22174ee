from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from services.feed.render import xml_safe
from services.feed.render.text import one_line, shorten


def xml_char(ch: str) -> bool:
    """The XML 1.0 `Char` production."""
    cp = ord(ch)
    return (
        cp in (0x9, 0xA, 0xD)
        or 0x20 <= cp <= 0xD7FF
        or 0xE000 <= cp <= 0xFFFD
        or 0x10000 <= cp <= 0x10FFFF
    )


FORBIDDEN = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]  # C0 but tab, LF, CR
FORBIDDEN += [0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xFFFE, 0xFFFF]  # surrogates, non-characters


@pytest.mark.parametrize("cp", FORBIDDEN)
def test_xml_safe_removes_each_forbidden_character(cp: int) -> None:
    assert xml_safe(f"a{chr(cp)}b") == "ab"


@pytest.mark.parametrize(
    "text",
    [
        "\t\n\r",
        " plain ASCII ",
        "\u202e\u200f\u202c",  # bidi controls are legal XML
        "\x7f\x80\x9f",  # C1 controls are discouraged, not forbidden
        "\ufffd\ue000\ufdd0",
        "😀🇰🇬𝔘𠀋\U0010ffff",
        "]]>",
    ],
)
def test_xml_safe_keeps_allowed_characters(text: str) -> None:
    assert xml_safe(text) == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=60))
def test_xml_safe_keeps_exactly_the_xml_characters(text: str) -> None:
    cleaned = xml_safe(text)
    assert cleaned == "".join(ch for ch in text if xml_char(ch))
    assert xml_safe(cleaned) == cleaned
    element = etree.Element("t")
    element.text = cleaned  # lxml raises for anything XML cannot carry
    assert etree.fromstring(etree.tostring(element, encoding="utf-8")).text in (cleaned, None)


def test_one_line_collapses_whitespace_and_strips_forbidden_characters() -> None:
    assert one_line("  a\n\tb\x00\x0bc  \r\n d ") == "a bc d"
    assert one_line("\x00\x01 \n") == ""


def test_shorten_cuts_at_a_word_boundary() -> None:
    assert shorten("short text", 20) == "short text"
    assert shorten("alpha beta gamma delta", 12) == "alpha beta…"
    assert shorten("x" * 30, 10) == "x" * 9 + "…"
    assert len(shorten("word " * 100, 50)) <= 50
