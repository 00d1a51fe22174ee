"""Country tags: which countries an article is about, from the words it uses."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence

from anyascii import anyascii

from shared.bounds import MAX_TAGS_PER_ARTICLE

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
    """A regex alternation shaped as a prefix trie: ``Kazakh(?:s|stan(?:i(?:s)?)?)?``."""
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


def _variants(slug: str) -> list[str]:
    return [v for form in _FORMS[slug] for v in (form, form.upper())]


def _by_letter() -> tuple[tuple[tuple[str, ...], re.Pattern[str]], ...]:
    """A pattern for each first letter, and the countries whose forms all start with it."""
    letters: dict[str, list[str]] = {}
    for slug in _FORMS:
        firsts = {variant[0] for variant in _variants(slug)}
        letters.setdefault(firsts.pop() if len(firsts) == 1 else slug, []).append(slug)
    patterns = []
    for key, slugs in letters.items():
        if len(slugs) == 1:
            body = _trie_pattern(_variants(slugs[0]))
        else:
            # The forms less their letter, a group each, in the order of ``slugs``
            # (the tries themselves capture nothing).
            groups = (f"({_trie_pattern(v[1:] for v in _variants(slug))})" for slug in slugs)
            body = f"{re.escape(key)}(?:{'|'.join(groups)})"
        patterns.append((tuple(slugs), re.compile(body + r"\b")))
    return tuple(patterns)


# Proper nouns only: capitalised or all-caps ("KAZAKHSTAN" in a shouted
# headline), so "turkey" the bird and "china" the tableware stay untagged.
# Whole words only (the left edge is checked where a pattern is used); a
# possessive ("Kazakhstan’s") or a hyphenated compound ("Russia-Related",
# "Uzbek-born") still names the country. All forms of a country share their
# first letter, and a pattern made of one literal letter and then a trie is
# the fastest shape measured: the engine scans for that letter with a tight
# loop. The countries of one letter (Kazakhstan and Kyrgyzstan; Tajikistan,
# Turkmenistan and Turkey) share a pattern, a group each: the text is
# scanned once for their letter, not once for each (a fifth less time; one
# pattern for all letters, or long literal prefixes, are slower).
_COUNTRIES: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = _by_letter()


# Russian names decline: "в Казахстане", "из Узбекистана", "с Кыргызстаном".
# Nouns in -стан (and Иран, Китай) take these endings; -ия nouns their own.
_RU_STAN_ENDINGS = ("", "а", "е", "у", "ом")
_RU_IA_ENDINGS = ("я", "и", "ю", "ей")
_RU_STEMS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "kazakhstan": (("Казахстан", _RU_STAN_ENDINGS),),
    "uzbekistan": (("Узбекистан", _RU_STAN_ENDINGS),),
    "kyrgyzstan": (("Кыргызстан", _RU_STAN_ENDINGS), ("Киргизи", _RU_IA_ENDINGS)),
    "tajikistan": (("Таджикистан", _RU_STAN_ENDINGS),),
    "turkmenistan": (("Туркменистан", _RU_STAN_ENDINGS), ("Туркмени", _RU_IA_ENDINGS)),
    "afghanistan": (("Афганистан", _RU_STAN_ENDINGS),),
    "china": (("Кита", ("й", "я", "е", "ю", "ем")),),
    "russia": (("Росси", _RU_IA_ENDINGS),),
    "iran": (("Иран", _RU_STAN_ENDINGS),),
    "turkey": (("Турци", _RU_IA_ENDINGS),),
}
# Russian adjectives are written in lower case ("узбекские власти", "китайская
# компания") and decline; "русский" names a language as often as the country.
_RU_ADJECTIVE_ENDINGS = (
    "ий", "ый", "ая", "ое", "ие", "ые", "ого", "ой", "ому", "ую", "им", "ым", "ом", "их", "ых",
    "ими", "ыми",
)  # fmt: skip
_RU_ADJECTIVES: dict[str, tuple[str, ...]] = {
    "kazakhstan": ("казахстанск", "казахск"),
    "uzbekistan": ("узбекистанск", "узбекск"),
    "kyrgyzstan": ("кыргызстанск", "кыргызск", "киргизск"),
    "tajikistan": ("таджикистанск", "таджикск"),
    "turkmenistan": ("туркменистанск", "туркменск"),
    "afghanistan": ("афганск",),
    "china": ("китайск",),
    "russia": ("российск",),
    "iran": ("иранск",),
    "turkey": ("турецк",),
}
# The names in Kazakh, Kyrgyz, Uzbek and Tajik Cyrillic, whose case endings are
# suffixes of any length ("Қазақстанда", "Кыргызстандын", "Ўзбекистонда").
_LOCAL_NAMES: dict[str, tuple[str, ...]] = {
    "kazakhstan": ("Қазақстан", "Казакстан", "Қозоғистон"),
    "uzbekistan": ("Өзбекстан", "Ўзбекистон"),
    "kyrgyzstan": ("Қырғызстан", "Кыргызстан", "Қирғизистон"),
    "tajikistan": ("Тәжікстан", "Тажикстан", "Тоҷикистон", "Тожикистон"),
    "turkmenistan": ("Түрікменстан", "Түркмөнстан", "Туркманистон"),
}

# The names in Uzbek's Latin alphabet, in whichever apostrophe a page types
# for its okina ("Oʻzbekiston", "O'zbekistonda", "Qirg‘iziston"), with the
# case endings as suffixes. Each holds "iston": pages without it pay one
# substring search.
_OKINA = "['‘’`ʻʼ]"
_UZ_LATIN_NAMES: dict[str, str] = {
    "uzbekistan": f"O{_OKINA}zbekiston",
    "kazakhstan": f"Qozog{_OKINA}iston",
    "kyrgyzstan": f"Qirg{_OKINA}iziston",
    "tajikistan": "Tojikiston",
    "turkmenistan": "Turkmaniston",
    "afghanistan": f"Afg{_OKINA}oniston",
}
_UZ_LATIN_COUNTRIES: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = tuple(
    ((slug,), re.compile(rf"{name}[^\W\d_]{{0,8}}\b", re.IGNORECASE))
    for slug, name in _UZ_LATIN_NAMES.items()
)


def _ru_forms(slug: str) -> Iterable[str]:
    for stem, endings in _RU_STEMS.get(slug, ()):
        for ending in endings:
            yield from (stem + ending, (stem + ending).upper())
    for stem in _RU_ADJECTIVES.get(slug, ()):
        for ending in _RU_ADJECTIVE_ENDINGS:
            form = stem + ending
            yield from (form, form.capitalize(), form.upper())


# Searched only on pages with Cyrillic text, so English pages pay nothing.
_RU_COUNTRIES: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = tuple(
    ((slug,), re.compile(_trie_pattern(_ru_forms(slug)) + r"\b")) for slug in _RU_STEMS
) + tuple(
    # Endings of at most a few letters: a bounded match, whatever the word's length.
    ((slug,), re.compile(rf"(?:{'|'.join(names)})[^\W\d_]{{0,6}}\b", re.IGNORECASE))
    for slug, names in _LOCAL_NAMES.items()
)
_CYRILLIC = re.compile("[\u0400-\u04ff]")
# The byte that makes a character one of them, in UTF-16-LE: a character's
# high byte stands at an odd offset, and a surrogate's is D8-DF.
_CYRILLIC_HIGH = b"\x04"


def _has_cyrillic(text: str) -> bool:
    """Whether ``text`` holds a Cyrillic letter (U+0400–U+04FF).

    Told from its UTF-16-LE bytes, where exactly those letters put 04 at an
    odd offset: a search at memchr speed, each hit's offset checked (a 04 at
    an even one is a low byte, rare in text). Encoding to UTF-16 costs half
    of encoding to UTF-8, and a sixth of a regex's test of each character.
    """
    if text.isascii():
        return False
    try:
        data = text.encode("utf-16-le")
    except UnicodeEncodeError:  # a lone surrogate
        return _CYRILLIC.search(text) is not None
    position = data.find(_CYRILLIC_HIGH, 1)
    while position != -1:
        if position & 1:
            return True
        position = data.find(_CYRILLIC_HIGH, position + 1)
    return False


def detect_countries(texts: Iterable[str]) -> tuple[str, ...]:
    """Sorted slugs of the countries named in ``texts`` (one article's text)."""
    return countries_by_article([list(texts)])[0]


def countries_by_article(articles: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    """The sorted country slugs of each article, each given as its texts.

    The whole page is searched as one string, once per pattern; after a hit
    the search jumps to the next article, which needs only its own first
    mention of the country.
    """
    parts: list[str] = []
    starts: list[int] = []
    length = 0
    for texts in articles:
        starts.append(length)
        for text in texts:
            parts.append(text)
            length += len(text) + 1
    page = "\n".join(parts)
    found: list[set[str]] = [set() for _ in articles]
    patterns = _COUNTRIES + _RU_COUNTRIES if _has_cyrillic(page) else _COUNTRIES
    if "iston" in page:
        patterns += _UZ_LATIN_COUNTRIES
    for slugs, pattern in patterns:
        position = 0
        while (match := pattern.search(page, position)) is not None:
            start = match.start()
            # A look-behind in the pattern would cost it its literal prefix.
            if start and (page[start - 1].isalnum() or page[start - 1] == "_"):
                position = start + 1
                continue
            index = bisect_right(starts, start) - 1
            if len(slugs) > 1:
                # A pattern of several countries goes on past the match.
                found[index].add(slugs[(match.lastindex or 1) - 1])
                position = match.end()
                continue
            found[index].add(slugs[0])
            if index + 1 == len(starts):
                break
            position = starts[index + 1]
    return [tuple(sorted(slugs)) for slugs in found]


_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(tag: str) -> str:
    """``"Central Asia"`` -> ``"central-asia"``; ``"Türkiye"`` -> ``"turkiye"``;
    ``"Экономика"`` -> ``"ekonomika"``: every script transliterated, so a tag a
    Russian or Kazakh page gives gets a feed instead of being dropped."""
    # A soft sign or an Uzbek okina comes out as an apostrophe or a backtick,
    # part of the word.
    ascii_text = anyascii(tag).replace("'", "").replace("`", "")
    return _NON_SLUG.sub("-", ascii_text.lower()).strip("-")


def merge_tags(
    detected: Iterable[str], provided: Iterable[str], limit: int = MAX_TAGS_PER_ARTICLE
) -> tuple[str, ...]:
    """Detected slugs plus the slugs of submitter-provided tags, sorted, once each.

    At most ``limit`` in all, detected ones first: each tag is a feed the
    article is rendered into, so one article never fans out without bound.
    """
    slugs = dict.fromkeys(detected)
    for slug in map(slugify, provided):
        if len(slugs) >= limit:
            break
        if slug:
            slugs[slug] = None
    return tuple(sorted(list(slugs)[:limit]))
