"""Feed query parameters, normalised so that equal questions share one cache entry.

Only ``q`` and ``limit`` mean anything; other parameters are ignored, word
order and case in ``q`` don't matter, and ``limit`` is clamped to the page size.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from shared.problems import Problem

MAX_WORDS = 8
MAX_WORD_CHARS = 40


@dataclass(frozen=True, slots=True)
class FeedQuery:
    limit: int
    words: tuple[str, ...] = ()

    def suffix(self, page_size: int) -> str:
        """The canonical query string ('' for the plain subscription feed)."""
        params = []
        if self.limit != page_size:
            params.append(("limit", str(self.limit)))
        if self.words:
            params.append(("q", " ".join(self.words)))
        return urlencode(params)

    def is_default(self, page_size: int) -> bool:
        return self.limit == page_size and not self.words


def parse_query(args: Mapping[str, str], page_size: int) -> FeedQuery:
    limit = page_size
    raw_limit = args.get("limit")
    if raw_limit not in (None, ""):
        try:
            limit = int(raw_limit)
        except ValueError:
            raise Problem(
                422,
                f"limit must be a whole number, got {raw_limit[:40]!r}",
                kind="invalid-parameter",
                parameter="limit",
            ) from None
        limit = max(1, min(limit, page_size))
    words: tuple[str, ...] = ()
    raw_q = args.get("q")
    if raw_q:
        folded = unicodedata.normalize("NFKC", raw_q).casefold().split()
        if len(folded) > MAX_WORDS or any(len(w) > MAX_WORD_CHARS for w in folded):
            raise Problem(
                422,
                f"q takes at most {MAX_WORDS} words of {MAX_WORD_CHARS} characters",
                kind="invalid-parameter",
                parameter="q",
            )
        words = tuple(sorted(set(folded)))
    return FeedQuery(limit, words)
