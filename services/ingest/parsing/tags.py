"""Country tags: which countries an article is about, from the words it uses."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# slug -> the name, adjective and demonym forms that mean that country.
_FORMS: dict[str, tuple[str, ...]] = {
    "kazakhstan": ("Kazakhstan", "Kazakhstani", "Kazakhstanis", "Kazakh", "Kazakhs"),
    "uzbekistan": ("Uzbekistan", "Uzbekistani", "Uzbekistanis", "Uzbek", "Uzbeks"),
    "kyrgyzstan": ("Kyrgyzstan", "Kyrgyzstani", "Kyrgyzstanis", "Kyrgyz"),
    "tajikistan": ("Tajikistan", "Tajikistani", "Tajikistanis", "Tajik", "Tajiks"),
    "turkmenistan": ("Turkmenistan", "Turkmenistani", "Turkmen", "Turkmens"),
    "afghanistan": ("Afghanistan", "Afghan", "Afghans"),
    "china": ("China", "Chinese"),
    "russia": ("Russia", "Russian", "Russians"),
    "iran": ("Iran", "Iranian", "Iranians"),
    "turkey": ("Turkey", "Turkish", "Türkiye", "Turkiye"),
}


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex alternation shaped as a prefix trie.

    Python's regex engine tries every branch of a flat alternation at every
    capital letter; a trie rejects a non-matching position after one or two
    characters, which keeps tag detection a small part of a page parse.
    """
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


# Proper nouns only, capitalised or all-caps ("KAZAKHSTAN" in a shouted
# headline), so "turkey" the bird and "china" the tableware stay untagged.
_SLUG_OF = {
    variant: slug
    for slug, forms in _FORMS.items()
    for form in forms
    for variant in (form, form.upper())
}
# Whole words only; a possessive ("Kazakhstan’s") or a hyphenated compound
# ("Russia-Related", "Uzbek-born") still names the country.
_COUNTRY_WORD = re.compile(_trie_pattern(_SLUG_OF) + r"\b")


def detect_countries(texts: Iterable[str]) -> tuple[str, ...]:
    """Sorted slugs of the countries named in ``texts``."""
    found: set[str] = set()
    for text in texts:
        for match in _COUNTRY_WORD.finditer(text):
            start = match.start()
            # The left word boundary is checked here rather than in the
            # pattern, where it would stop the engine's first-character scan.
            if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
                continue
            found.add(_SLUG_OF[match.group()])
    return tuple(sorted(found))


_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(tag: str) -> str:
    """``"Central Asia"`` -> ``"central-asia"``; ``"Türkiye"`` -> ``"turkiye"``."""
    ascii_text = unicodedata.normalize("NFKD", tag).encode("ascii", "ignore").decode("ascii")
    return _NON_SLUG.sub("-", ascii_text.lower()).strip("-")


def merge_tags(detected: Iterable[str], provided: Iterable[str]) -> tuple[str, ...]:
    """Detected slugs plus the slugs of submitter-provided tags, sorted, once each."""
    slugs = set(detected)
    slugs.update(s for s in map(slugify, provided) if s)
    return tuple(sorted(slugs))
