"""What makes a line of a plain-text page look like a headline.

A headline is recognised by its shape, never by matching known titles: it is
short, it does not end in a full stop, and its significant words are
capitalised. Whether a headline-shaped line really starts an article also
depends on its neighbours; that part lives in ``text.py``.
"""

from __future__ import annotations

import re

MAX_WORDS = 20
MAX_CHARS = 160
# "Log In", "Breaking News", "Most Read": two capitalised words are page
# furniture far more often than they are a headline.
MIN_WORDS = 3
# A line this long without final punctuation is still prose, just carelessly typed.
_PROSE_WORDS = 8
# Share of significant words that must be capitalised. Headline styles differ
# (AP capitalises "Is", others do not) but prose never gets near this.
_CAPITALISED_SHARE = 0.75

# Words headline capitalisation leaves in lower case; they count neither for
# nor against a line.
SMALL_WORDS = frozenset(
    {
        "a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "as", "at", "by",
        "in", "of", "off", "on", "onto", "per", "to", "up", "upon", "via", "vs", "vs.", "v.",
        "with", "from", "into", "over", "than", "amid", "out", "is", "its", "it’s", "it's",
        "are", "was", "be", "am",
    }
)  # fmt: skip
# A longer word is none of them (lower case is never shorter), told without lowering it.
_LONGEST_SMALL_WORD = max(map(len, SMALL_WORDS))

# "TCA: In your opinion…", "MR: In order to…", "Q:" — an interview turn, so a
# paragraph; "Uzbekistan: Disabled Citizens…" is a headline because its tag is
# a word, not a short all-caps speaker tag.
_SPEAKER_TAG = re.compile(r"[A-Z]{1,5}:(?:\s|$)")
# "…Deal With the U.S." ends in an abbreviation's dot, not a full stop.
_TRAILING_ABBREVIATION = re.compile(r"(?:\b[A-Z]\.){2,}$")
_OPENING_QUOTES = "\"'“‘«„‚"
_CLOSING_QUOTES = "\"'”’»"
_CLOSING_QUOTE_CHARS = tuple(_CLOSING_QUOTES)
# Punctuation peeled off a word before looking at its first letter.
_EDGE_PUNCTUATION = "\"'“”‘’«»„‚()[]{}<>,;:!?.…—–-*_/|#"
_SENTENCE_END = ".!?…:"


def has_speaker_tag(line: str) -> bool:
    return _SPEAKER_TAG.match(line) is not None


def ends_sentence(line: str) -> bool:
    """Whether ``line`` ends like a finished sentence (closing quotes looked through)."""
    stripped = line.rstrip(_CLOSING_QUOTES + ")]")
    return bool(stripped) and stripped[-1] in _SENTENCE_END


_MENU_BARS = 2


def looks_like_prose(line: str) -> bool:
    """Whether ``line`` reads as running text: what must follow a headline.

    Menus, "Log In" and bylines are neither headlines nor prose, so a
    headline-shaped line followed by them does not start an article.
    """
    if line.count(" | ") >= _MENU_BARS and not ends_sentence(line):
        return False  # "О банке | Денежно-кредитная политика | …": a menu
    return has_speaker_tag(line) or (
        not looks_like_headline(line)
        and (ends_sentence(line) or len(line.split(maxsplit=_PROSE_WORDS)) > _PROSE_WORDS)
    )


def looks_like_headline(line: str) -> bool:
    """Whether ``line`` (already stripped) has the shape of a headline."""
    if not line or len(line) > MAX_CHARS or has_speaker_tag(line):
        return False
    last = line.rstrip(_CLOSING_QUOTES)[-1:]
    # (The abbreviation is looked for in the line's last characters: a search of
    # the whole line tries every place of it.)
    if last in ".,:" and not (last == "." and _TRAILING_ABBREVIATION.search(line, len(line) - 24)):
        return False
    words = line.split()
    if len(words) > MAX_WORDS or len(words) < MIN_WORDS:
        return False
    significant = capitalised = 0
    first = True
    in_quote = False
    for raw in words:
        # Quoted speech keeps its own capitalisation inside a headline
        # ("Tokayev: ‘We will not give up’"), so it does not count either way.
        opens = raw[0] in _OPENING_QUOTES and not in_quote
        # A word of letters alone, as most are, has no punctuation to peel.
        word = raw if raw.isalpha() else raw.strip(_EDGE_PUNCTUATION)
        if not word:
            continue
        # Looked at only inside a quote or at its opening: most words are neither.
        closes = (in_quote or opens) and raw.rstrip(",;:!?.…)").endswith(_CLOSING_QUOTE_CHARS)
        initial = word[0]
        if first:
            # The first word is capitalised whatever it is, small words included.
            if initial.isalpha() and not initial.isupper():
                return False
            first = False
        elif opens or in_quote:
            pass
        elif initial.isalpha() and (
            len(word) > _LONGEST_SMALL_WORD or word.lower() not in SMALL_WORDS
        ):
            significant += 1
            if initial.isupper():
                capitalised += 1
        if opens:
            in_quote = True
        if closes:
            in_quote = False
    # The first word always counts in the headline's favour.
    return capitalised + 1 >= _CAPITALISED_SHARE * (significant + 1)


def every_word_capitalised(line: str) -> bool:
    """Whether every word of ``line`` but its small ones starts with a capital,
    as a Title Case headline's do ("Tajikistan Hikes Electricity Tariffs"), where
    a sentence capitalises its names alone ("Drivers protested in Almaty")."""
    for raw in line.split():
        word = raw if raw.isalpha() else raw.strip(_EDGE_PUNCTUATION)
        if (
            word
            and word[0].isalpha()
            and not word[0].isupper()
            and (len(word) > _LONGEST_SMALL_WORD or word.lower() not in SMALL_WORDS)
        ):
            return False
    return True
