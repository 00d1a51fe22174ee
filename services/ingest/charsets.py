"""Pages in the legacy encodings sites still send (windows-1251, KOI8-R, …), read as UTF-8.

silkfeed stores and parses UTF-8. A page in another encoding is read the way a
browser reads it and stored in UTF-8 (every character kept; one posted again
in UTF-8 is then the same page):

- the ``charset`` of the request's ``Content-Type`` names its encoding;
- without one, a body that is valid UTF-8 is UTF-8;
- else an HTML page's own ``<meta charset>`` (or ``http-equiv`` Content-Type)
  within its first 1024 bytes, as the HTML Standard's prescan looks for it.

Labels are the WHATWG Encoding Standard's (``latin1`` is windows-1252, as in
browsers). JSON is UTF-8 by its RFC: its charset is not looked at. A UTF-8
copy of a single-byte page is at most three times its size.
"""

from __future__ import annotations

import re

import webencodings

from shared.problems import Problem

# The HTML Standard's prescan reads this far for a <meta> naming the encoding.
PRESCAN_BYTES = 1024
_META_CHARSET = re.compile(rb"<meta\s[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
_PARAMETER = re.compile(r";\s*charset\s*=\s*\"?([^\";\s]+)", re.I)
_DECODED_TYPES = ("text/plain", "text/html")
# WHATWG encodings that are no text to read.
_UNREADABLE = ("replacement", "x-user-defined")


def declared_charset(content_type: str | None, media_type: str) -> str | None:
    """The encoding a Content-Type names (its WHATWG name), None when it names
    none or the media type is JSON; raises a 415 problem for an unknown one."""
    found = _PARAMETER.search(content_type or "")
    if found is None or media_type not in _DECODED_TYPES:
        return None
    return _encoding(found.group(1), "the Content-Type's charset")


def to_utf8(body: bytes, media_type: str, charset: str | None) -> bytes:
    """``body`` in UTF-8: decoded from ``charset`` (a ``declared_charset``), else
    from an HTML page's own declaration when the page is not valid UTF-8. A body
    that is neither is returned as it is (the UTF-8 check then says where it fails)."""
    if media_type not in _DECODED_TYPES:
        return body
    if charset is None and media_type == "text/html":
        charset = _meta_charset(body)
    if charset is None or charset == "utf-8":
        return body
    codec = webencodings.lookup(charset).codec_info.name
    try:
        return body.decode(codec).encode("utf-8")
    except UnicodeDecodeError as exc:
        raise Problem(
            400,
            f"the body is not valid {charset} (byte {exc.start}: {exc.reason})",
            kind="undecodable-body",
        ) from None


def _meta_charset(page: bytes) -> str | None:
    """The encoding an HTML page declares for itself, when it is one to decode
    from: not for a page that is valid UTF-8 whatever its template declares,
    nor for one declaring UTF-16 in ASCII bytes (the HTML Standard reads that
    as UTF-8), nor for a label no browser knows (the UTF-8 check speaks then)."""
    found = _META_CHARSET.search(page, 0, PRESCAN_BYTES)
    if found is None:
        return None
    encoding = webencodings.lookup(found.group(1).decode("ascii"))
    if encoding is None or encoding.name in _UNREADABLE or encoding.name.startswith("utf-"):
        return None
    return None if _is_utf8(page) else encoding.name


def _encoding(label: str, where: str) -> str:
    """The WHATWG name of the encoding ``label`` names; a 415 problem for one
    that is unknown or no text encoding."""
    encoding = webencodings.lookup(label)
    if encoding is None or encoding.name in _UNREADABLE:
        raise Problem(
            415,
            f"{where} names an encoding silkfeed cannot read: {label[:40]!r}",
            kind="unsupported-charset",
        )
    return encoding.name


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
