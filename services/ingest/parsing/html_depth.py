"""The nesting-depth guard: a page that would nest too deep to build is refused first.

Counting and scanning the raw bytes, before any tree is built.
"""

from __future__ import annotations

import re
from itertools import accumulate

from .model import ParseError

# Building the tree takes time quadratic in nesting depth (the HTML
# Standard's scope checks walk the stack of open elements): 100,000 nested
# elements take Lexbor about 14 s, and a 5 MB page of them would take hours.
# Browsers cap the depth; news pages nest a few dozen levels. So a page that
# may nest deeper than this is measured first and refused if it does.
MAX_DEPTH = 2_000
# ...but only a page with many tags can cost much: with at most this many
# ("<" counted at memchr speed) even the deepest nesting builds in about
# 0.3 s, less than measuring a typical 250 kB page would cost every time.
UNCHECKED_TAGS = 16_384
# Attributes end at the next "<" too, so no tag can make the scan go back
# over the rest of the page.
_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(/?)>")
# Elements that never hold others, or that close their predecessor.
_FLAT = frozenset(
    b"area base br col embed hr img input link meta source track wbr p li dt dd option "
    b"tr td th thead tbody tfoot rt rp".split()
)
# A quick upper bound on that depth: every start tag of an element that is
# not flat counts, even if self-closing or cut short, and only an end tag that
# certainly is one (no "/" before its ">") counts back. Real pages come out a
# few levels above their depth; reading just the tag names, one ``findall``
# costs a fraction of walking ``_TAG`` in Python.
_BOUND_TAG = re.compile(rb"<(/[A-Za-z][A-Za-z0-9-]*+(?=[^<>/]*+>)|[A-Za-z][A-Za-z0-9-]*+)")


def check_depth(body: bytes, tags: int | None = None) -> None:
    """Refuse a page that may nest deeper than MAX_DEPTH; ``tags`` is its count of "<"."""
    # The number of start tags bounds the depth, and two C-speed counts bound
    # that; only a page with more could be too deep and pays for measuring.
    # (End tags are about half of all tags, so they are counted only when
    # that could be enough.)
    if tags is None:
        tags = body.count(b"<")
    if tags <= MAX_DEPTH or (tags <= 2 * MAX_DEPTH and tags - body.count(b"</") <= MAX_DEPTH):
        return
    # A big page: first the bound. With S the running sum of its steps, the
    # depth (which an end tag never takes below zero) is at most the highest
    # S less the lowest S or zero.
    tokens = _BOUND_TAG.findall(body)
    steps = list(map(_DEPTH_STEPS.get, tokens))
    if None in steps:
        # Tag names not seen before: remembered, up to a point (a page may be
        # made of nothing but new names).
        new = set(tokens).difference(_DEPTH_STEPS)
        fits = len(_DEPTH_STEPS) + len(new) <= _DEPTH_STEPS_KEPT
        table = _DEPTH_STEPS if fits else dict(_DEPTH_STEPS)
        table.update((token, _depth_step(token)) for token in new)
        steps = list(map(table.__getitem__, tokens))
    sums = list(accumulate(steps))
    if max(sums, default=0) - min(0, min(sums, default=0)) <= MAX_DEPTH:
        return
    # Over the bound (a page of self-closing or unfinished tags, or a deep
    # one): walk the tags to know, and to say where.
    depth = deepest = 0
    for match in _TAG.finditer(body):
        closing, name, self_closing = match.groups()
        if name.lower() in _FLAT or self_closing:
            continue
        if closing:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    raise ParseError(
                        f"the page nests elements more than {MAX_DEPTH:,} levels deep "
                        f"(at byte offset {match.start()}); no news page does"
                    )


_DEPTH_STEPS: dict[bytes, int] = {}
_DEPTH_STEPS_KEPT = 4096


def _depth_step(token: bytes) -> int:
    closing = token.startswith(b"/")
    if (token[1:] if closing else token).lower() in _FLAT:
        return 0
    return -1 if closing else 1
