"""The language an article is written in: as its page declares it, else as its letters tell.

Feeds state it (Atom ``xml:lang``, JSON Feed ``language``, RSS ``<language>``),
and a wrong value is worse than none: a reader may pick fonts, hyphenation or
a translation by it. So only the primary subtag is kept ("ru" of "ru-KG"),
which every feed format accepts and two pages of one language agree on, and
detection answers only where the letters leave no doubt: Russian (Cyrillic
without the letters of Kazakh, Kyrgyz, Tajik, Uzbek or Ukrainian), Kazakh
(Cyrillic with Kazakh's own letters and no other language's), Kyrgyz (Cyrillic
whose only letters Russian lacks are ң, ө and ү, ң among them) and English
(Latin with English's commonest words). Anything else is left unknown.
"""

from __future__ import annotations

import dataclasses
import itertools
import operator
import re
from collections.abc import Iterable, Sequence

from .model import ParsedArticle, ParsedPage

# BCP 47's primary language subtag, then any others (RFC 5646; "_" as locales write it).
_TAG = re.compile(r"\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*")
# Not a language: undetermined, multiple, no linguistic content.
_NOT_LANGUAGES = frozenset({"und", "mul", "zxx", "mis"})

# Detection reads the start of an article: enough letters to tell (some eighty
# words), at a bounded cost; twice as many told no article apart and cost a
# twentieth of a text page's parse.
_SAMPLE_CHARS = 500
_MIN_LETTERS = 20
# Letters are counted in the text's UTF-8 bytes, by C loops over them: a regular
# expression's test of each character costs ten times as much. A Cyrillic letter
# (U+0400-U+04FF) starts with one of D0-D3, so these are the other bytes ...
_NOT_CYRILLIC = bytes(b for b in range(256) if not 0xD0 <= b <= 0xD3)
# ... and a Latin one is an ASCII letter or starts with 0xC3-0xC9 (U+00C0-U+024F).
_NOT_LATIN = bytes(
    b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122 or 0xC3 <= b <= 0xC9)
)
# Cyrillic letters Russian does not use: Kazakh, Kyrgyz, Tajik, Uzbek, Ukrainian, Belarusian.
_OTHER_CYRILLIC = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүҺһІіЇїЄєҐґЎўӢӣӮӯҲҳҶҷ]")
# Kazakh's letters beyond Russian's; a text using one of қ, ұ (Tatar and Bashkir
# have neither) and one of ә, і (Kyrgyz has neither), and no letter outside
# them (Tajik's ӣ ӯ ҷ, Uzbek's ў, Ukrainian's ї є ґ), is Kazakh.
_KAZAKH = frozenset("әғқңөұүһі")
_KAZAKH_MARKS = (frozenset("құ"), frozenset("әі"))
# Kyrgyz's: ң, ө, ү, and nothing else; ң tells it from Mongolian (ө, ү alone).
_KYRGYZ = frozenset("ңөү")
_ENGLISH_WORDS = frozenset(
    {
        "the", "and", "of", "to", "in", "is", "on", "for", "that", "with", "said",
        "was", "were", "has", "have", "by", "from", "at", "it", "as", "are",
    }
)  # fmt: skip
# The same words in every mix of upper and lower case ("The", "THE", "tHe"), so
# a word is looked up as it stands instead of lowering the whole text first
# (half the cost of English detection). A word lowers into this list exactly
# when it is one of these: the only character outside ASCII that lowers to an
# ASCII letter is the Kelvin sign (to "k"), which no word here holds.
_ENGLISH_ANY_CASE = frozenset(
    "".join(letters)
    for word in _ENGLISH_WORDS
    for letters in itertools.product(*({char, char.upper()} for char in word))
)


def normalise_language(value: object) -> str | None:
    """The primary language subtag of a declared tag ("ru-RU" -> "ru"), or None."""
    if not isinstance(value, str) or len(value) > 100:
        return None
    match = _TAG.fullmatch(value)
    if match is None:
        return None
    primary = match.group(1).lower()
    return None if primary in _NOT_LANGUAGES else primary


def detect_language(title: str, paragraphs: Sequence[str]) -> str | None:
    """The article's language ("ru", "kk", "ky" or "en"), where its letters leave
    no doubt; else None."""
    parts, size = [title], len(title)
    for paragraph in paragraphs:
        if size >= _SAMPLE_CHARS:
            break
        parts.append(paragraph)
        size += len(paragraph) + 1
    text = "\n".join(parts)[:_SAMPLE_CHARS]
    encoded = text.encode("utf-8", "surrogatepass")  # a lone surrogate is no letter
    cyrillic = len(encoded.translate(None, _NOT_CYRILLIC))  # one pass, not four counts
    latin = len(encoded.translate(None, _NOT_LATIN))
    letters = cyrillic + latin
    if letters < _MIN_LETTERS:
        return None
    if cyrillic >= 0.8 * letters:
        return _cyrillic_language(_OTHER_CYRILLIC.findall(text), cyrillic)
    if latin >= 0.8 * letters:
        # Lowering a text changes no whitespace, so it splits into as many words.
        words = text.split()
        common = sum(map(_ENGLISH_ANY_CASE.__contains__, words))
        return "en" if len(words) >= 8 and common * 10 >= len(words) else None
    return None


def _cyrillic_language(others: list[str], cyrillic: int) -> str | None:
    """"ru", "kk" or "ky" for a Cyrillic text with ``others``, the letters Russian
    lacks, among its ``cyrillic`` letters; None where they leave a doubt."""
    # A Russian story may quote a Kazakh name; a Kazakh one is full of these letters.
    if len(others) * 100 < cyrillic:
        return "ru"
    used = frozenset("".join(others).lower())
    if used <= _KAZAKH and all(used & marks for marks in _KAZAKH_MARKS):
        return "kk"
    if used <= _KYRGYZ and "ң" in used:
        return "ky"
    return None


def declared_language(candidates: Iterable[object]) -> str | None:
    """The first of a page's declarations that names a language."""
    for value in candidates:
        found = normalise_language(value)
        if found is not None:
            return found
    return None


# An article's fields in the order its constructor takes them, read in one
# call: a copy in another language costs half of ``dataclasses.replace``'s
# (which checks every field's kind), once per article of a front page.
_ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(ParsedArticle) if f.init)
_article_values = operator.attrgetter(*_ARTICLE_FIELDS)
_LANGUAGE_AT = _ARTICLE_FIELDS.index("language")
# The same for a page, whose articles are replaced.
_PAGE_FIELDS = tuple(f.name for f in dataclasses.fields(ParsedPage) if f.init)
_page_values = operator.attrgetter(*_PAGE_FIELDS)
_ARTICLES_AT = _PAGE_FIELDS.index("articles")


def _in_language(article: ParsedArticle, language: str | None) -> ParsedArticle:
    """``article`` with its language set (``dataclasses.replace``'s result)."""
    values = list(_article_values(article))
    values[_LANGUAGE_AT] = language
    return ParsedArticle(*values)


def with_language(
    articles: tuple[ParsedArticle, ...], language: str | None
) -> tuple[ParsedArticle, ...]:
    """``articles`` in the language their page declares (None: as detected)."""
    if language is None:
        return articles
    return tuple(a if a.language == language else _in_language(a, language) for a in articles)


def with_detected_languages(page: ParsedPage) -> ParsedPage:
    """``page`` with each article its page declares no language for in the one its
    letters tell (asked last, so that a declared language costs no detection)."""
    if all(article.language is not None for article in page.articles):
        return page
    articles = tuple(
        article
        if article.language is not None
        else _in_language(article, detect_language(article.title, article.paragraphs))
        for article in page.articles
    )
    values = list(_page_values(page))
    values[_ARTICLES_AT] = articles
    return ParsedPage(*values)  # dataclasses.replace(page, articles=articles)
