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
    """A regex alternation shaped as a prefix trie: ``K(?:azakh(?:stan)?|…)``."""
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


# One pattern per country, proper nouns only: capitalised or all-caps
# ("KAZAKHSTAN" in a shouted headline), so "turkey" the bird and "china" the
# tableware stay untagged. All forms of a country share their first letter,
# so each pattern starts with one literal character, which the regex engine
# scans for with a tight loop: several times faster than one combined
# pattern that has to test a set of first letters at every position.
_COUNTRIES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (
        slug,
        # Whole words only (the left edge is checked in detect_countries);
        # a possessive ("Kazakhstan’s") or a hyphenated compound
        # ("Russia-Related", "Uzbek-born") still names the country.
        re.compile(_trie_pattern(v for form in forms for v in (form, form.upper())) + r"\b"),
    )
    for slug, forms in _FORMS.items()
)


def detect_countries(texts: Iterable[str]) -> tuple[str, ...]:
    """Sorted slugs of the countries named in ``texts``."""
    text = "\n".join(texts)
    found = []
    for slug, pattern in _COUNTRIES:
        position = 0
        while (match := pattern.search(text, position)) is not None:
            start = match.start()
            # A look-behind in the pattern would cost it its literal first character.
            if start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_"):
                found.append(slug)
                break
            position = start + 1
    found.sort()
    return tuple(found)


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
