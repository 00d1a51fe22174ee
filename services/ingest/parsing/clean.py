"""Turning posted bytes into text that is safe to store and to publish as XML."""

from __future__ import annotations

import re

from .model import ParseError

# XML 1.0 cannot carry these at all, so a feed containing one would be
# rejected by every strict reader; they are dropped wherever text leaves us.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# HTML and plain-text whitespace collapses to one space, but U+00A0 and the
# other Unicode spaces are deliberate typography and must survive unchanged.
_ASCII_SPACE_RUN = re.compile(r"[ \t\n\r\f\v]+")

_UTF8_BOM = b"\xef\xbb\xbf"
# Control bytes that ordinary text never contains (tab, LF, FF, CR excluded).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
# The UTF-8 forms of what XML forbids: C0 controls and U+FFFE/U+FFFF (strict
# decoding already refuses surrogates).
_FORBIDDEN_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_NONCHARACTERS_UTF8 = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")
# A few stray controls are noise to strip; this share of them means the body
# is not text at all (an image, an archive, a UTF-16 file).
_BINARY_CONTROL_SHARE = 0.05


def decode_body(body: bytes) -> str:
    """Decode a posted body as UTF-8 text, refusing anything that is not text.

    The result is already free of XML-forbidden characters. Checking the bytes
    first is several times cheaper than scanning the decoded text, and most
    bodies contain none.
    """
    if not isinstance(body, bytes | bytearray | memoryview):
        raise TypeError(f"body must be bytes, not {type(body).__name__}")
    body = bytes(body)
    nul = body.find(b"\x00")
    if nul != -1:
        raise ParseError(
            f"body looks binary: it contains a NUL byte at offset {nul} "
            "(expected UTF-8 text; UTF-16 is not accepted)"
        )
    controls = len(body) - len(body.translate(None, _CONTROL_BYTES))
    if controls and controls > _BINARY_CONTROL_SHARE * len(body):
        raise ParseError(
            f"body looks binary: {controls} of its {len(body)} bytes are control characters"
        )
    start = len(_UTF8_BOM) if body.startswith(_UTF8_BOM) else 0
    try:
        text = body[start:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = start + exc.start
        raise ParseError(
            f"body is not valid UTF-8: byte 0x{body[offset]:02x} at offset {offset} ({exc.reason})"
        ) from None
    if len(body.translate(None, _FORBIDDEN_BYTES)) != len(body) or any(
        nonchar in body for nonchar in _NONCHARACTERS_UTF8
    ):
        text = strip_forbidden(text)
    return text


def strip_forbidden(text: str) -> str:
    """Remove the characters XML 1.0 forbids."""
    if _XML_FORBIDDEN.search(text) is None:
        return text
    return _XML_FORBIDDEN.sub("", text)


def has_forbidden(text: str) -> bool:
    return _XML_FORBIDDEN.search(text) is not None


def squash_space(text: str) -> str:
    """Strip the ends and collapse ASCII whitespace runs to single spaces.

    ``text`` must already be free of XML-forbidden characters.
    """
    # Plain substring tests are far cheaper than a regex scan, and most
    # paragraphs need no change at all.
    if "  " in text or "\t" in text or "\n" in text or "\r" in text or "\f" in text or "\v" in text:
        text = _ASCII_SPACE_RUN.sub(" ", text)
    return text.strip()
