"""What a story is about, as its words tell: the stems of its long words less
those every story has, and the names it capitalises. Two lines are on one
subject when they share enough of them."""

from __future__ import annotations

import re
from collections.abc import Sequence

# Shared subject words that put a headline on its lead's subject.
SHARED_WORDS = 2
STEM_LETTERS = 6
WORD = re.compile(r"[^\W\d_]{5,}")
# Lines of a lead read for its subject.
LEAD_LINES = 4
# Long function words, which every story shares.
COMMON_WORDS = frozenset((
    "about", "above", "after", "again", "against", "along", "among", "around", "because",
    "before", "being", "below", "between", "could", "during", "every", "first", "their",
    "there", "these", "those", "through", "under", "until", "where", "which", "while", "would",
    "should", "other", "since", "still", "another", "further", "which", "whose", "years",
    "million", "billion", "percent", "according", "говорится",
    # Reporting verbs: every story cites its source.
    "сообщает", "сообщают", "сообщил", "сообщила", "сообщили", "передает", "передаёт",
    "reported", "reports", "также", "после", "более", "может", "между", "через", "который",
    "которые", "которая", "было", "были", "будет", "этого", "этой", "однако",
    # Days and months: every story has its dates.
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "august", "september", "october", "november", "december",
    "понедельник", "вторник", "среду", "среда", "четверг", "пятницу", "пятница", "субботу",
    "суббота", "воскресенье", "января", "февраля", "марта", "апреля", "июня", "июля", "августа",
    "сентября", "октября", "ноября", "декабря",
))  # fmt: skip


def capitalised_names(text: str) -> set[str]:
    """The stems of the words capitalised inside a sentence: names of places,
    people and bodies, which a story and the next one about the same country
    share ("Казахстана", "Azerbaijan") without being on one subject."""
    return {
        stem(match.group().lower())
        for match in WORD.finditer(text)
        if match.group()[0].isupper() and text[: match.start()].rstrip()[-1:] not in '.!?:"“«'
    }


def stem(word: str) -> str:
    """A word's first letters less its last, which most endings change
    ("ставка", "ставки", "ставку" give "ставк"). Only words of five letters
    or more are compared (``WORD``); an English word of under seven letters
    keeps its last but one, so its plural differs ("price", "prices"), where
    a longer one's does not ("election", "elections")."""
    return word[: min(STEM_LETTERS, len(word) - 1)]


def subject_words(text: str) -> set[str]:
    """The stems of the words ``text`` is about: its long words, less those every story has."""
    return {
        stem(word)
        for word in (match.group().lower() for match in WORD.finditer(text))
        if word not in COMMON_WORDS
    }


def shares_subject(title: str, paragraphs: Sequence[str], words: int = SHARED_WORDS) -> bool:
    """Whether ``title`` is on the subject of the story its first ``paragraphs``
    tell: a headline shares ``words`` with its lead, a site's name does not."""
    lead = " ".join(paragraphs[:LEAD_LINES])
    return len(subject_words(title) & subject_words(lead)) >= words


# Words a paragraph opens with when it goes on from what came before: pronouns,
# "such", "the funds received", connectives. A new story's lead names its
# subject instead.
_GOING_ON = frozenset((
    "he", "she", "it", "they", "this", "these", "those", "its", "their", "such", "however",
    "meanwhile", "moreover", "он", "она", "оно", "они", "это", "этот", "эта", "эти", "его",
    "её", "ее", "их", "такие", "такой", "такая", "полученные", "данный", "данная", "данные",
    "указанные", "однако", "также", "кроме",
))  # fmt: skip


def goes_on(paragraph: str) -> bool:
    """Whether ``paragraph`` opens as text going on from what came before does."""
    first = paragraph.split(maxsplit=1)[0].strip(",.:;\"'«»“”").lower() if paragraph else ""
    return first in _GOING_ON
