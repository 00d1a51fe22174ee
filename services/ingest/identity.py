"""What makes two articles the same.

Two articles of one source are the same when their headlines match after
normalisation (an article is stored under its source and this key):
Unicode compatibility form, case, quote and dash style, punctuation and
spacing are ignored. The headline is what an upstream and a reader identify
an article by; the body is what changes (corrections, additions), and a text
page carries no URL to key on. So a re-post — the next day's page, or the HTML
version of a page first sent as text — maps to the entry already published.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import UTC, datetime

from services.ingest.parsing import ParsedArticle

_QUOTES = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
    }
)
_NON_WORD = re.compile(r"[^\w]+")


def normalise_title(title: str) -> str:
    if title.isascii():
        # The same result without the Unicode steps: NFKC and the quote and dash
        # table change no ASCII character, and casefold is lower there.
        text = title.lower()
    else:
        text = unicodedata.normalize("NFKC", title).translate(_QUOTES).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def identity_key(article: ParsedArticle) -> str:
    return hashlib.sha256(normalise_title(article.title).encode()).hexdigest()


def content_digest(article: ParsedArticle) -> str:
    """Changes exactly when what a reader sees of the article changes (its language
    too: feeds state it, ``xml:lang``)."""
    doc: list[object] = [article.title, list(article.paragraphs), article.url, sorted(article.tags)]
    # Only when stated, so that articles without them keep their digests.
    if article.authors:
        doc.append(list(article.authors))
    if article.modified is not None:
        # The instant, not its spelling: ``+05:00`` and ``Z`` copies of one page agree.
        # Stored digests of the spelling stay; a re-post is compared with the stored
        # row when digests differ (``services.ingest.updates``), so they still match.
        doc.append(_utc(article.modified).isoformat())
    digest = hashlib.sha256(json.dumps(doc, ensure_ascii=False).encode()).hexdigest()
    return digest if article.language is None else with_language(digest, article.language)


def _utc(moment: datetime) -> datetime:
    return moment if moment.utcoffset() is None else moment.astimezone(UTC)


def with_language(digest: str, language: str) -> str:
    """A digest of the rest of an article made its digest with its language. Made of
    the digest alone, so a stored digest takes its row's language as it is
    (migration 0011, a copy of this line: it must never change)."""
    return hashlib.sha256(f"{digest}\n{language}".encode()).hexdigest()
