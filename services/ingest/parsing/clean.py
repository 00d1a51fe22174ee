"""Turning posted bytes into text that is safe to store and to publish as XML."""

from __future__ import annotations

import ctypes
import re
from itertools import repeat

from .model import ParseError

# XML 1.0 cannot carry these at all, so a feed containing one would be
# rejected by every strict reader; they are dropped wherever text leaves us.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# Layout whitespace (a run of ASCII whitespace holding a tab or a line break,
# as HTML source and hard-wrapped text have) becomes one space. Plain spaces
# are kept as published, and U+00A0 and the other Unicode spaces are
# deliberate typography that must survive unchanged.
_OTHER_LAYOUT = ("\t", "\r", "\f", "\v")
_LAYOUT_SPACE = re.compile(r" *\n[ \n]*")
# A text with a line break for every this many characters (hostile input) is
# handled by a regex, which takes a whole run of breaks in one step, instead
# of split piece by piece.
DENSE_BREAKS = 16

_UTF8_BOM = b"\xef\xbb\xbf"
# The UTF-8 forms of what XML forbids: C0 controls (single ASCII bytes, never
# part of a multi-byte sequence) and U+FFFE/U+FFFF. Strict decoding already
# refuses surrogates.
_FORBIDDEN_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
# Looked for one at a time: a one-byte search runs at memchr speed, so the 29
# searches together cost half of one pass of ``bytes.translate``.
_FORBIDDEN_SINGLES = tuple(bytes([byte]) for byte in _FORBIDDEN_BYTES)
# Those a tree's text may hold, less NUL: the source holds none (``clean_utf8``
# refuses a body with one) and the parser reads a character reference to it
# (&#0;) as U+FFFD, as the HTML Standard says. In a text of two-byte
# characters (one curly quote makes it so) a search for NUL tests every
# character, where the others are looked for at memchr speed by their low
# byte: without it the tree text's check costs a third less.
_TREE_FORBIDDEN_CHARS = tuple(map(chr, _FORBIDDEN_BYTES[1:]))
# A body is first looked through for them by C's strcspn, which stops at a
# NUL of its own accord and, in glibc, tests 16 bytes at a time against a
# set of at most 16 (one SSE4.2 instruction): the 28 others in two sets, two
# passes costing two fifths of the 29 memchr searches.
_FORBIDDEN_SETS = (
    bytes([*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x12)]),
    bytes(range(0x12, 0x20)),
)
_NONCHARACTERS_LEAD = b"\xef"
_NONCHARACTER_FFFE = "\ufffe".encode()
_NONCHARACTER_FFFF = "\uffff".encode()
# The UTF-8 check decodes only the chunks of this many bytes that are not
# all ASCII (and the runs they make). A page's text spreads non-ASCII
# characters (curly quotes, dashes) through its markup: smaller chunks
# decode less of it but take a loop step each, and 4 KiB costs the least
# (2 KiB 5% more, 8 KiB 8% more, 1 KiB a third more).
_ASCII_CHUNK = 4096
# A few stray controls are noise to strip; this many, making up this share of
# the body, mean it is not text at all (an image, an archive, a UTF-16 file).
_BINARY_CONTROL_COUNT = 16
_BINARY_CONTROL_SHARE = 0.10


# Where two line breaks in a row stood in HTML (``drop_invisible(paragraphs=True)``):
# a character of its own, which ``squash_space`` keeps, to cut paragraphs at.
PARAGRAPH_BREAK = "\u2029"


def decode_body(body: bytes) -> str:
    """Decode a posted body as UTF-8 text, refusing anything that is not text.

    The result is free of XML-forbidden characters.
    """
    body, allowed = _checked(body)
    start = len(_UTF8_BOM) if body.startswith(_UTF8_BOM) else 0
    text = _decode_from(body, start)
    if allowed is not None:
        # Dropping single ASCII bytes leaves valid UTF-8 valid.
        text = allowed[start:].decode("utf-8")
    if _NONCHARACTERS_LEAD in body and ("\ufffe" in text or "\uffff" in text):
        text = text.replace("\ufffe", "").replace("\uffff", "")
    return text


def clean_utf8(body: bytes) -> bytes:
    """The body as UTF-8 bytes free of XML-forbidden characters, refusing non-text.

    For parsers that read bytes faster than text (Lexbor parses UTF-8 bytes
    about twice as fast as a ``str``); usually the body itself comes back.
    The body is checked without being decoded whole (see ``_check_utf8``).
    """
    return _cleaned(*_checked(body))


def clean_utf8_tags(body: bytes) -> tuple[bytes, int]:
    """``clean_utf8``, and how many "<" the result holds (how many tags a
    page may open, which bounds how deep it can nest).

    Both at memchr speed: "<" counted by what deleting them takes away (a
    copy between memchr hits, a fifth of the time ``bytes.count`` takes to
    test every byte), the forbidden bytes looked for one at a time. Together
    a sixth less than one pass of ``bytes.translate`` keeping only those.
    """
    body = _as_bytes(body)
    tags = len(body) - len(body.replace(b"<", b""))
    return clean_utf8(body), tags


def _cleaned(body: bytes, allowed: bytes | None) -> bytes:
    start = len(_UTF8_BOM) if body.startswith(_UTF8_BOM) else 0
    # (Their lead byte is rare: most pages are not searched for them.)
    noncharacters = _check_utf8(body, start, _NONCHARACTERS_LEAD in body)
    # Dropping single ASCII bytes leaves valid UTF-8 valid, and in valid
    # UTF-8 the bytes of U+FFFE and U+FFFF are those characters, nothing else.
    cleaned = allowed[start:] if allowed is not None else body[start:] if start else body
    if noncharacters:
        cleaned = cleaned.replace(_NONCHARACTER_FFFE, b"").replace(_NONCHARACTER_FFFF, b"")
    return cleaned


def _checked(body: bytes) -> tuple[bytes, bytes | None]:
    """The body as bytes, and without its control characters when it has any.

    Refuses what is not text: a body with a NUL byte (UTF-16, binary) or
    one made of control characters.
    """
    # Every check works on the bytes with C-speed primitives, several times
    # cheaper than scanning the decoded text, and most bodies need no change.
    body = _as_bytes(body)
    if not _has_forbidden_bytes(body):
        return body, None
    return body, _allowed(body)


def _c_strcspn() -> ctypes._CFuncPtr | None:
    """The C library's strcspn, where the process has one to call."""
    try:
        strcspn = ctypes.CDLL(None).strcspn
    except (OSError, AttributeError, TypeError):
        return None
    strcspn.argtypes = (ctypes.c_char_p, ctypes.c_char_p)
    strcspn.restype = ctypes.c_size_t
    return strcspn


_STRCSPN = _c_strcspn()


def _has_forbidden_bytes(body: bytes) -> bool:
    """Whether ``body`` holds a byte of ``_FORBIDDEN_BYTES``."""
    if _STRCSPN is None:
        return any(map(body.__contains__, _FORBIDDEN_SINGLES))
    # A bytes object's buffer ends in a NUL of its own, where strcspn stops
    # when it meets no byte of the set (nor a NUL of the body's) first.
    size = len(body)
    return _STRCSPN(body, _FORBIDDEN_SETS[0]) != size or _STRCSPN(body, _FORBIDDEN_SETS[1]) != size


def _as_bytes(body: bytes) -> bytes:
    if not isinstance(body, bytes | bytearray | memoryview):
        raise TypeError(f"body must be bytes, not {type(body).__name__}")
    return bytes(body)


def _allowed(body: bytes) -> bytes:
    """The body without its control characters, which it holds; refuses non-text."""
    allowed = body.translate(None, _FORBIDDEN_BYTES)
    controls = len(body) - len(allowed)
    nul = body.find(b"\x00")
    if nul != -1:
        raise ParseError(
            f"body looks binary: it contains a NUL byte at offset {nul} "
            "(expected UTF-8 text; UTF-16 is not accepted)"
        )
    if controls >= _BINARY_CONTROL_COUNT and controls > _BINARY_CONTROL_SHARE * len(body):
        raise ParseError(
            f"body looks binary: {controls} of its {len(body)} bytes are control characters"
        )
    return allowed


def _check_utf8(body: bytes, start: int, noncharacters: bool) -> bool:
    """Refuse a body that is not valid UTF-8 from ``start`` on, without decoding it whole.

    A multi-byte sequence holds no ASCII byte, so the body is valid exactly
    when every run of its non-ASCII chunks (each between ASCII chunks or the
    body's ends) is: only those are decoded. Most of a page is markup and
    script, in chunks that a word-at-a-time ASCII test passes at a fraction
    of a decode's cost.

    Returns whether the decoded runs hold U+FFFE or U+FFFF, if asked
    (``noncharacters``): all the body's non-ASCII characters are in them.
    """
    size = len(body)
    found = False
    try:
        if size - start <= _ASCII_CHUNK:
            return _has_noncharacter(body[start:].decode("utf-8"), noncharacters)
        run = -1  # where the current run of non-ASCII chunks began
        for offset in range(start, size, _ASCII_CHUNK):
            if body[offset : offset + _ASCII_CHUNK].isascii():
                if run >= 0:
                    found |= _has_noncharacter(body[run:offset].decode("utf-8"), noncharacters)
                    run = -1
            elif run < 0:
                run = offset
        if run >= 0:
            found |= _has_noncharacter(body[run:].decode("utf-8"), noncharacters)
    except UnicodeDecodeError:
        # Decoded whole, for the first bad byte and the reason as a decoder
        # of the whole body gives them (a run's end may cut a sequence short).
        _decode_from(body, start)
        raise AssertionError("a run of the body is invalid but the body is not") from None
    return found


def _has_noncharacter(text: str, wanted: bool) -> bool:
    return wanted and ("\ufffe" in text or "\uffff" in text)


def _decode_from(body: bytes, start: int) -> str:
    try:
        return body[start:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = start + exc.start
        raise ParseError(
            f"body is not valid UTF-8: byte 0x{body[offset]:02x} at offset {offset} ({exc.reason})"
        ) from None


def has_forbidden(text: str) -> bool:
    """Whether ``text`` holds a character XML 1.0 forbids.

    For long texts: encoded, their bytes are searched at memchr speed, ten
    times faster than the regex's test of each character.
    """
    if text.isprintable():
        return False
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return True  # a lone surrogate
    if any(map(data.__contains__, _FORBIDDEN_SINGLES)):
        return True
    return _NONCHARACTERS_LEAD in data and ("\ufffe" in text or "\uffff" in text)


def tree_text_has_forbidden(text: str) -> bool:
    """``has_forbidden`` for a text read from a page's tree.

    Such a text holds no lone surrogate (selectolax decodes Lexbor's UTF-8
    with replacement) and no NUL (``_TREE_FORBIDDEN_CHARS``), so the other
    forbidden characters are looked for in the text itself, each search at
    memchr speed: encoding it first costs as much as the searches.
    """
    if text.isprintable():
        return False
    return (
        any(map(text.__contains__, _TREE_FORBIDDEN_CHARS)) or "\ufffe" in text or "\uffff" in text
    )


def strip_forbidden(text: str) -> str:
    """Remove the characters XML 1.0 forbids."""
    # Almost every text is printable throughout, which a C loop tells faster
    # than the regex (and it stops at the first line break or no-break space).
    if text.isprintable() or _XML_FORBIDDEN.search(text) is None:
        return text
    return _XML_FORBIDDEN.sub("", text)


def squash_space(text: str) -> str:
    """Strip the ends and turn layout whitespace into single spaces.

    ``text`` must already be free of XML-forbidden characters.
    """
    # The space around the text goes first: a block's text often starts or
    # ends with the source's indents ("\n\t\tHome\n"), and with them gone
    # most texts hold no layout space at all (what the squashing would drop
    # at the ends, stripping drops too). Single-character tests run at memchr
    # speed, far cheaper than a regex scan.
    text = text.strip()
    if (
        "\n" not in text
        and "\t" not in text
        and "\r" not in text
        and "\f" not in text
        and ("\v" not in text)
    ):
        return text
    for layout in _OTHER_LAYOUT:
        if layout in text:
            text = text.replace(layout, "\n")
    if DENSE_BREAKS * text.count("\n") > len(text):
        # Mostly line breaks (hostile input): the regex takes a run in one step.
        return _LAYOUT_SPACE.sub(" ", text).strip()
    # Every run of spaces and line breaks holding a line break becomes one
    # space: the text split at its line breaks, each piece less the plain
    # spaces at its ends, the empty pieces (inside such a run) dropped. Ten
    # times faster than a regex that must try every character.
    return " ".join(filter(None, map(str.strip, text.split("\n"), repeat(" ")))).strip()
