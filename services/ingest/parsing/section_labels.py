"""A section's label a text page prints between its stories ("SOCIETY", "Экономика").

A label is a rubric: its words all in capitals, or a rubric's own name in one
of the page's languages. Any short capitalised line is not one: a headline of
three words ("Tokayev Visits Tashkent") or a story's signature ("Айгерим
Сейткали") has that shape too, and a label is left out.
"""

from __future__ import annotations

import re

from .bylines import reads_as_signature

# The rubrics news pages print, lower-cased; the one list of them.
RUBRICS = frozenset((
    "society", "economy", "politics", "world", "sport", "sports",
    "culture", "business", "opinion", "markets", "in brief", "news in brief", "briefs",
    "national", "local", "regional", "international",
    "общество", "экономика", "политика", "в мире", "мир", "спорт", "культура",
    "бизнес", "мнение", "мнения", "происшествия", "финансы", "коротко", "в регионе",
))
# A rubric's name with a word after it: "Markets Wrap", "World News".
_TAILS = frozenset(("news", "wrap", "review", "digest", "today", "новости", "сегодня"))
_LABEL_WORDS = 3
_LABEL_CHARS = 30


def is_label(text: str) -> bool:
    """Whether ``text`` is a rubric: a known rubric's name (``Society``,
    ``Markets Wrap``), or a word or three all in capitals (``SOCIETY``)."""
    if len(text) > _LABEL_CHARS:
        return False
    words = text.split()
    if not words or len(words) > _LABEL_WORDS:
        return False
    lowered = [w.lower() for w in words]
    if " ".join(lowered) in RUBRICS:
        return True
    if len(words) == 2 and lowered[0] in RUBRICS and lowered[1] in _TAILS and words[1][0].isupper():
        return True
    # A name signing the story above reads as that first, in capitals too.
    if reads_as_signature(" ".join(w.capitalize() for w in words)):
        return False
    return all(w.isalpha() and w.isupper() and len(w) > 1 for w in words)


def is_rubric_path(text: str) -> bool:
    """Whether ``text`` is a story's place in the site's sections, a country or
    a region then a rubric ("Туркменистан / Общество", "Kazakhstan / Politics"),
    which a page prints over the headline: no headline itself."""
    if len(text) > 2 * _LABEL_CHARS or " / " not in text:
        return False
    place, _, rubric = text.partition(" / ")
    words = place.split()
    return (
        rubric.strip().lower() in RUBRICS
        and 0 < len(words) <= 2
        and all(w[:1].isupper() and w.replace("-", "").isalpha() for w in words)
    )


# A press release's note on its issuer under its text: "About SkySteppe
# Airlines", "Для справки:", "О компании «QazWind Energy»". Its part, no story.
_ISSUER_NOTE = re.compile(
    r"(?:About|ABOUT)\s+(?:the\s+)?[A-Z«\"][\w&.'’»\"\-]*"
    r"(?:\s+(?:[A-Z«\"(][\w&.'’»\"()\-]*|of|and|for|&)){0,6}"
    r"|(?:Для\s+справки|Справка|О\s+компании|О\s+банке|Об\s+эмитенте)(?:\s+[^.!?]{1,60})?\s*:?"
)


def notes_the_issuer(text: str) -> bool:
    """Whether ``text`` heads a press release's note on its issuer."""
    return text[:1] in "AДСО" and _ISSUER_NOTE.fullmatch(text) is not None
